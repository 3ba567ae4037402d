import { uniqueId } from './api.ts';
import { LIST_PATH, assertNoAxeViolations, clickRevealAndStoreSecret, goToClient, goToConsole, secretDialog } from './console.ts';
import { expect, test } from './fixtures.ts';

// Each scenario signs in through the real login page (a slow password hash) on a 2-core machine.
test.describe.configure({ timeout: 60_000 });

test('rotate: the old secret stops working, the new one works; not while the form has edits', async ({ page, api }) => {
  const client = await api.seedBackendClient(uniqueId('rotate'), 'Rotating Backend');
  expect((await api.requestToken(client.id, client.secret)).status).toBe(200);
  await goToClient(page, client.id);

  await page.getByRole('textbox', { name: 'Description' }).fill('unsaved');
  await expect(page.getByRole('button', { name: 'Rotate secret' })).toBeDisabled();
  await expect(page.getByText('Save or discard your changes first.')).toBeVisible();
  await page.getByRole('button', { name: 'Discard changes' }).click();

  const rotate = page.getByRole('button', { name: 'Rotate secret' });
  await rotate.click();
  const confirm = page.getByRole('alertdialog', { name: 'Rotate secret for Rotating Backend?' });
  await expect(confirm).toBeVisible();
  await assertNoAxeViolations(page, 'dialog');
  await confirm.getByRole('button', { name: 'Rotate secret' }).click();
  await expect(secretDialog(page)).toBeVisible();
  await assertNoAxeViolations(page, 'dialog');
  const secret = await clickRevealAndStoreSecret(page);
  await expect(rotate).toBeFocused();
  await expect(page.getByText('Secret rotated')).toBeVisible();

  expect(secret).not.toBe(client.secret);
  const old = await api.requestToken(client.id, client.secret);
  expect(old.status).toBe(401);
  expect(old.body.error).toBe('invalid_client');
  expect((await api.requestToken(client.id, secret)).status).toBe(200);

  // The form follows our own write: saving after a rotation is not a conflict, and keeps the secret.
  await page.getByRole('textbox', { name: 'Description' }).fill('Rotated today');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Changes saved')).toBeVisible();
  expect((await api.requestToken(client.id, secret)).status).toBe(200);
});

test('revoke: typed confirmation, the client disappears, and its tokens stop working', async ({ page, api }) => {
  const client = await api.seedBackendClient(uniqueId('revoke'), 'Doomed Backend');
  const token = await api.requestToken(client.id, client.secret, 'system/*.rs');
  const accessToken = token.body.access_token ?? '';
  expect(await api.readWithToken('/ClientApplication?_count=1', accessToken)).toBe(200);
  await goToClient(page, client.id);

  const open = page.getByRole('button', { name: 'Revoke client application' });
  await open.click();
  const dialog = page.getByRole('alertdialog', { name: 'Revoke Doomed Backend?' });
  await assertNoAxeViolations(page, 'dialog');
  // Escape closes it and focus goes back to the button that opened it.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();

  await open.click();
  const revoke = dialog.getByRole('button', { name: 'Revoke', exact: true });
  await expect(revoke).toBeDisabled();
  await dialog.getByLabel('Client ID').fill(client.id.slice(0, -1));
  await expect(revoke).toBeDisabled();
  await dialog.getByLabel('Client ID').fill(client.id);
  await revoke.click();

  await expect(page.getByText('Revoked Doomed Backend')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`${LIST_PATH}$`));
  await goToConsole(page, `${LIST_PATH}?name=Doomed`);
  await expect(page.getByRole('link', { name: 'Doomed Backend' })).toBeHidden();

  expect((await api.requestToken(client.id, client.secret)).status).toBe(401);
  expect(await api.readWithToken('/ClientApplication?_count=1', accessToken)).toBe(401);
});
