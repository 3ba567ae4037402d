// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientApplication } from '../../../model/client-application.ts';
import { operationOutcome, issue } from '../../../model/operation-outcome.ts';
import { FhirError } from '../../../fhir/fhir-error.ts';
import { renderConsole } from '../../testing/render-console.tsx';
import { ClientApplicationForm } from './client-application-form.tsx';
import { toFormValues } from './form-values.ts';

afterEach(cleanup);

function renderCreateForm(onSubmit = vi.fn(async (resource: ClientApplication) => resource)) {
  renderConsole(
    <ClientApplicationForm mode="create" defaultValues={toFormValues(undefined, false)} submitLabel="Create client application" onSubmit={onSubmit} />,
  );
  return { onSubmit, user: userEvent.setup() };
}

describe('ClientApplicationForm (create)', () => {
  it('explains the SPEC §5 rules as the admin chooses, before any submit', async () => {
    const { user, onSubmit } = renderCreateForm();
    await user.click(screen.getByRole('radio', { name: /Custom/ }));
    await user.click(screen.getByRole('checkbox', { name: /refresh_token/ }));
    expect(await screen.findByText(/Refresh tokens need the authorization code grant/)).toBeTruthy();

    await user.click(screen.getByRole('checkbox', { name: /client_credentials/ }));
    expect(screen.getByText(/client_credentials grant needs a client secret/)).toBeTruthy();
    await user.click(screen.getByRole('checkbox', { name: /Confidential client/ }));
    expect(screen.queryByText(/needs a client secret/)).toBeNull();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('fills sensible defaults from a preset and lints redirect URIs as they are typed', async () => {
    const { user } = renderCreateForm();
    await user.click(screen.getByRole('radio', { name: /Web app/ }));
    expect(screen.getByRole('checkbox', { name: /authorization_code/ })).toHaveProperty('checked', true);
    expect(screen.getByRole('checkbox', { name: /Confidential client/ })).toHaveProperty('checked', false);

    const first = screen.getByRole('textbox', { name: 'Redirect URI 1' });
    await user.type(first, 'http://app.example.com/cb');
    expect(screen.getByText(/Plain http is only allowed on loopback/)).toBeTruthy();
    await user.clear(first);
    await user.type(first, 'https://app.example.com/cb');
    expect(screen.queryByText(/Plain http/)).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Add redirect URI' }));
    await user.type(screen.getByRole('textbox', { name: 'Redirect URI 2' }), 'https://app.example.com/cb');
    expect(screen.getByText(/Duplicate redirect URI/)).toBeTruthy();
    for (let i = 3; i <= 5; i++) await user.click(screen.getByRole('button', { name: 'Add redirect URI' }));
    expect(screen.getByRole('button', { name: 'Add redirect URI' })).toHaveProperty('disabled', true);
  });

  it('adds scopes as canonical chips read out in plain words, and refuses malformed ones', async () => {
    const { user } = renderCreateForm();
    const input = screen.getByRole('combobox', { name: 'Add scopes' });
    await user.type(input, 'patient/Observation.read{Enter}');
    const list = screen.getByRole('list', { name: 'Granted scopes' });
    expect(within(list).getByText('patient/Observation.rs')).toBeTruthy();
    expect(within(list).getByText('Read and search Observations for the patient in context')).toBeTruthy();

    await user.type(input, 'patient/Observation.sr{Enter}');
    expect(screen.getByText(/did you mean "rs"/)).toBeTruthy();
    expect(within(list).queryByText('patient/Observation.sr')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Remove scope patient/Observation.rs' }));
    expect(screen.queryByRole('list', { name: 'Granted scopes' })).toBeNull();
  });

  it('submits the model resource, without blank optional fields', async () => {
    const { user, onSubmit } = renderCreateForm();
    await user.click(screen.getByRole('radio', { name: /Backend service/ }));
    await user.type(screen.getByRole('textbox', { name: /^Name/ }), 'Nightly Export');
    expect(screen.getByRole('textbox', { name: /^Client ID/ })).toHaveProperty('value', 'nightly-export');
    await user.click(screen.getByRole('button', { name: 'Create client application' }));
    expect(onSubmit).toHaveBeenCalledWith(
      {
        resourceType: 'ClientApplication',
        id: 'nightly-export',
        name: 'Nightly Export',
        grantType: ['client_credentials'],
        responseTypes: 'token',
        scope: 'system/*.rs',
      },
      { isConfidential: true },
    );
  });

  it('shows field errors on submit, and puts server OperationOutcome issues on the named fields', async () => {
    const onSubmit = vi.fn(async (_resource: ClientApplication): Promise<ClientApplication> => {
      throw new FhirError(422, {
        outcome: operationOutcome([issue('value', 'The server does not like this one.', 'ClientApplication.redirectUri[0]')]),
      });
    });
    const { user } = renderCreateForm(onSubmit);
    await user.click(screen.getByRole('button', { name: 'Create client application' }));
    expect(screen.getByText(/Name is required/)).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();

    await user.click(screen.getByRole('radio', { name: /Native app/ }));
    await user.type(screen.getByRole('textbox', { name: /^Name/ }), 'Desktop');
    await user.click(screen.getByRole('button', { name: 'Create client application' }));
    expect(onSubmit).toHaveBeenCalled();
    const row = screen.getByRole('textbox', { name: 'Redirect URI 1' });
    expect(row.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('The server does not like this one.')).toBeTruthy();
  });
});
