import { describe, expect, it } from 'vitest';
import { parseClientApplication } from '../../../model/client-application.ts';
import {
  checkFormValues,
  clientApplicationFormSchema,
  formPathOf,
  issuesByField,
  toClientApplication,
  toFormValues,
  type ClientApplicationFormValues,
} from './form-values.ts';
import { presetValues } from './presets.ts';

function values(overrides: Partial<ClientApplicationFormValues> = {}): ClientApplicationFormValues {
  return { ...toFormValues(undefined, false), id: 'portal', name: 'Portal', ...overrides };
}

describe('toClientApplication', () => {
  it('leaves blank optional fields out, since the server answers 400 for empty strings', () => {
    const resource = toClientApplication(values({ grantType: ['client_credentials'], description: '  ', logoUri: '', contactValue: '' }));
    expect(resource).toEqual({
      resourceType: 'ClientApplication',
      id: 'portal',
      name: 'Portal',
      grantType: ['client_credentials'],
      responseTypes: 'token',
    });
    expect(parseClientApplication({ ...resource, secret: 'x'.repeat(43) }).success).toBe(true);
  });

  it('joins scope chips and keeps fields the form does not show from the stored resource', () => {
    const base = { resourceType: 'ClientApplication' as const, name: 'P', grantType: ['authorization_code' as const], responseTypes: 'token' as const };
    const resource = toClientApplication(values({ scope: ['openid', 'patient/*.rs'], grantType: ['authorization_code'] }), base);
    expect(resource.scope).toBe('openid patient/*.rs');
    expect(resource.responseTypes).toBe('token');
  });

  it('round-trips a stored resource through the form values', () => {
    const stored = {
      resourceType: 'ClientApplication' as const,
      id: 'patient-portal',
      name: 'Patient Portal',
      grantType: ['authorization_code' as const, 'refresh_token' as const],
      responseTypes: 'token' as const,
      redirectUri: ['https://portal.example.com/callback'],
      scope: 'openid profile email patient/*.read offline_access',
      logoUri: 'https://portal.example.com/logo.png',
      contact: { system: 'email' as const, value: 'ops@example.com' },
    };
    expect(toClientApplication(toFormValues(stored, false), stored)).toEqual(stored);
  });
});

describe('checkFormValues: the SPEC §5 rules, explained before submit', () => {
  it('explains that refresh tokens need the authorization code grant', () => {
    const byField = issuesByField(checkFormValues(values({ grantType: ['refresh_token'] }), { isIdRequired: true }));
    expect(byField.get('grantType')).toMatch(/Refresh tokens need the authorization code grant/);
  });

  it('asks for a redirect URI when authorization_code is chosen, on the redirect URI list', () => {
    const byField = issuesByField(checkFormValues(values({ grantType: ['authorization_code'] }), { isIdRequired: true }));
    expect(byField.get('redirectUri')).toMatch(/needs at least one redirect URI/);
  });

  it('asks for a secret (the confidential checkbox) when client_credentials is chosen', () => {
    const byField = issuesByField(checkFormValues(values({ grantType: ['client_credentials'] }), { isIdRequired: true }));
    expect(byField.get('isConfidential')).toMatch(/needs a client secret/);
    expect(checkFormValues(values({ grantType: ['client_credentials'], isConfidential: true }), { isIdRequired: true })).toEqual([]);
  });

  it('lints each redirect URI on its own row, duplicates included', () => {
    const byField = issuesByField(
      checkFormValues(
        values({
          grantType: ['authorization_code'],
          redirectUri: [{ value: 'https://a.example/cb' }, { value: 'http://a.example/cb' }, { value: 'https://a.example/cb' }, { value: 'https://a.example/*' }],
        }),
        { isIdRequired: true },
      ),
    );
    expect(byField.get('redirectUri.1.value')).toMatch(/only allowed on loopback/);
    expect(byField.get('redirectUri.2.value')).toMatch(/Duplicate/);
    expect(byField.get('redirectUri.3.value')).toMatch(/Wildcards/);
    expect(byField.has('redirectUri.0.value')).toBe(false);
  });

  it('still explains the rules while a required field is missing', () => {
    const byField = issuesByField(checkFormValues(values({ name: '', grantType: ['refresh_token'] }), { isIdRequired: true }));
    expect(byField.get('name')).toMatch(/Name is required/);
    expect(byField.get('grantType')).toMatch(/Refresh tokens need/);
  });

  it('requires a client ID on create only, and checks its grammar', () => {
    expect(issuesByField(checkFormValues(values({ id: '', grantType: ['client_credentials'], isConfidential: true }), { isIdRequired: true })).get('id')).toMatch(/Choose a client ID/);
    expect(issuesByField(checkFormValues(values({ id: 'has space', grantType: ['client_credentials'], isConfidential: true }), { isIdRequired: true })).get('id')).toMatch(/1 to 64 letters/);
  });

  it('accepts every preset once its blanks are filled', () => {
    for (const preset of ['backend', 'web', 'native'] as const) {
      const fill = presetValues(preset);
      const redirectUri = fill.redirectUri.map((r) => ({ value: r.value || 'https://app.example.com/callback' }));
      expect(checkFormValues(values({ ...fill, redirectUri }), { isIdRequired: true }), preset).toEqual([]);
    }
  });
});

describe('clientApplicationFormSchema', () => {
  it('outputs the resource, or issues at the form paths the fields read', () => {
    const schema = clientApplicationFormSchema({ isIdRequired: true });
    const ok = schema.safeParse(values({ grantType: ['client_credentials'], isConfidential: true }));
    expect(ok.success && ok.data.id).toBe('portal');
    const bad = schema.safeParse(values({ grantType: ['authorization_code'], redirectUri: [{ value: 'https://x.example/#f' }] }));
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path)).toContainEqual(['redirectUri', 0, 'value']);
  });
});

describe('formPathOf: OperationOutcome issue.expression → form field', () => {
  it.each([
    ['ClientApplication.redirectUri[2]', 'redirectUri.2.value'],
    ['ClientApplication.redirectUri', 'redirectUri'],
    ['ClientApplication.grantType[0]', 'grantType'],
    ['ClientApplication.secret', 'isConfidential'],
    ['ClientApplication.contact.value', 'contactValue'],
    ['ClientApplication.logoUri', 'logoUri'],
    ['ClientApplication.responseTypes', undefined],
    [undefined, undefined],
  ])('%s → %s', (expression, path) => {
    expect(formPathOf(expression)).toBe(path);
  });
});
