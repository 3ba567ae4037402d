// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderConsole } from '../../testing/render-console.tsx';
import { SecretDialog } from './secret-dialog.tsx';

afterEach(cleanup);

function renderDialog(write: (secret: string) => Promise<unknown>, onDone = vi.fn(), onFailed = vi.fn()) {
  renderConsole(
    <SecretDialog
      title="Client secret for CLI"
      clientId="cli"
      scope="system/*.rs"
      hasClientCredentials
      write={write}
      onFailed={onFailed}
      onDone={onDone}
    />,
  );
  return { onDone, onFailed };
}

describe('SecretDialog', () => {
  it('writes one generated secret, shows it masked, reveals and copies it, and closes only once stored', async () => {
    const user = userEvent.setup();
    const writes: string[] = [];
    const { onDone } = renderDialog(async (secret) => {
      writes.push(secret);
    });

    const field = await screen.findByLabelText('Client secret');
    expect(writes).toHaveLength(1);
    const secret = writes[0] ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(field).toHaveProperty('type', 'password');
    expect(field).toHaveProperty('value', secret);
    // The curl is masked too until the admin asks to see the secret.
    expect(screen.getByLabelText('curl command').textContent).not.toContain(secret);

    await user.click(screen.getByRole('button', { name: 'Show' }));
    expect(field).toHaveProperty('type', 'text');
    expect(screen.getByLabelText('curl command').textContent).toContain(`-u 'cli:${secret}'`);

    await user.click(screen.getByRole('button', { name: 'Copy secret' }));
    expect(await navigator.clipboard.readText()).toBe(secret);
    expect(await screen.findByText('Copied', { selector: '[aria-live] *, [aria-live]' })).toBeTruthy();

    const close = screen.getByRole('button', { name: 'Close' });
    expect(close).toHaveProperty('disabled', true);
    await user.click(screen.getByLabelText('I have stored the secret somewhere safe'));
    await user.click(screen.getAllByRole('button', { name: 'Close' }).at(-1) as HTMLElement);
    expect(onDone).toHaveBeenCalled();
    expect(writes).toHaveLength(1);
  });

  it('hands a failed write back instead of revealing a secret nobody stored', async () => {
    const failure = new Error('412');
    const { onFailed } = renderDialog(() => Promise.reject(failure));
    await waitFor(() => expect(onFailed).toHaveBeenCalledWith(failure));
    expect(screen.queryByLabelText('Client secret')).toBeNull();
  });
});
