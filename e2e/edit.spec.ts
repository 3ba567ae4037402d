import { uniqueId } from './api.ts';
import { assertNoAxeViolations, goToClient } from './console.ts';
import { expect, test } from './fixtures.ts';

// Each scenario signs in through the real login page (a slow password hash) on a 2-core machine.
test.describe.configure({ timeout: 60_000 });

test('edit and save; invalid input is explained before and after submit', async ({ page, api }) => {
  const id = uniqueId('edit');
  await api.putClientApplication({ id, name: 'Before', grantType: ['authorization_code'], redirectUri: ['https://edit.example/cb'], scope: 'openid' });
  await goToClient(page, id);

  // Before submit: linted as typed.
  await page.getByRole('textbox', { name: 'Redirect URI 1' }).fill('http://edit.example/cb#frag');
  await expect(page.getByText(/must not contain a fragment/)).toBeVisible();
  await page.getByRole('checkbox', { name: 'authorization_code' }).uncheck();
  await page.getByRole('checkbox', { name: 'refresh_token' }).check();
  await expect(page.getByText(/Refresh tokens need the authorization code grant/)).toBeVisible();

  // After submit: the same messages, the first invalid field focused, nothing sent.
  await page.getByRole('textbox', { name: /^Name/ }).fill('');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Some fields need attention')).toBeVisible();
  await expect(page.getByText('Name is required.')).toBeVisible();
  await expect(page.getByRole('textbox', { name: /^Name/ })).toBeFocused();
  expect((await api.readClientApplication(id)).json?.name).toBe('Before');

  // Fix and save: If-Match is sent, the new version is shown and saved.
  await page.getByRole('textbox', { name: /^Name/ }).fill('After');
  await page.getByRole('checkbox', { name: 'refresh_token' }).uncheck();
  await page.getByRole('checkbox', { name: 'authorization_code' }).check();
  await page.getByRole('textbox', { name: 'Redirect URI 1' }).fill('https://edit.example/cb');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Changes saved')).toBeVisible();
  const saved = await api.readClientApplication(id);
  expect(saved.json?.name).toBe('After');
  expect(saved.etag).toBe('W/"2"');
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Discard changes' })).toBeDisabled();
});

test('a concurrent change produces the conflict dialog: keep editing, then reload theirs', async ({ page, api }) => {
  const id = uniqueId('conflict');
  await api.putClientApplication({ id, name: 'Mine', grantType: ['authorization_code'], redirectUri: ['https://c.example/cb'] });
  await goToClient(page, id);
  await page.getByRole('textbox', { name: /^Name/ }).fill('My edit');

  // Someone else saves first.
  await api.putClientApplication({ id, name: 'Their edit', grantType: ['authorization_code'], redirectUri: ['https://c.example/cb'] });
  await page.getByRole('button', { name: 'Save changes' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Someone else changed this client' });
  await expect(dialog).toBeVisible();
  await assertNoAxeViolations(page, 'dialog');

  await dialog.getByRole('button', { name: 'Keep editing' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('textbox', { name: /^Name/ })).toHaveValue('My edit');
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeFocused();
  expect((await api.readClientApplication(id)).json?.name).toBe('Their edit');

  await page.getByRole('button', { name: 'Save changes' }).click();
  await dialog.getByRole('button', { name: 'Reload their version' }).click();
  await expect(page.getByRole('textbox', { name: /^Name/ })).toHaveValue('Their edit');
  await page.getByRole('textbox', { name: /^Name/ }).fill('Merged');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Changes saved')).toBeVisible();
  expect((await api.readClientApplication(id)).json?.name).toBe('Merged');
});

test('leaving a form with unsaved edits asks first', async ({ page, api }) => {
  const id = uniqueId('leave');
  await api.putClientApplication({ id, name: 'Leave', grantType: ['authorization_code'], redirectUri: ['https://l.example/cb'] });
  await goToClient(page, id);
  await page.getByRole('textbox', { name: 'Description' }).fill('unsaved');
  await page.getByRole('link', { name: 'Client applications' }).first().click();
  const dialog = page.getByRole('alertdialog', { name: 'Leave without saving?' });
  await expect(dialog).toBeVisible();
  await assertNoAxeViolations(page, 'dialog');
  await dialog.getByRole('button', { name: 'Stay on this page' }).click();
  await expect(page.getByRole('textbox', { name: 'Description' })).toHaveValue('unsaved');
  await page.getByRole('link', { name: 'Client applications' }).first().click();
  await dialog.getByRole('button', { name: 'Leave and discard changes' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Client applications' })).toBeVisible();
});
