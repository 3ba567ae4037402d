import { uniqueId } from './api.ts';
import {
  assertNoAxeViolations,
  assertSecretNowhere,
  clickCreate,
  fillClientBasics,
  goToClient,
  goToNewClient,
  saveScreenshot,
  secretDialog,
} from './console.ts';
import { expect, test } from './fixtures.ts';

// Each scenario signs in through the real login page (a slow password hash) on a 2-core machine.
test.describe.configure({ timeout: 60_000 });

test('create a backend service: the secret is shown once, works at the token endpoint, and is nowhere after a reload', async ({
  page,
  api,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const id = uniqueId('nightly-export');
  await goToNewClient(page);
  await fillClientBasics(page, { preset: /Backend service/, name: 'Nightly Export', id });
  await expect(page.getByRole('checkbox', { name: 'client_credentials' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Confidential client' })).toBeChecked();
  await clickCreate(page);

  const dialog = secretDialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('It is shown only this once')).toBeVisible();
  await assertNoAxeViolations(page, 'dialog');
  await saveScreenshot(page, 'secret-dialog', { fullPage: false });
  await page.emulateMedia({ colorScheme: 'dark' });
  await assertNoAxeViolations(page, 'dialog');
  await saveScreenshot(page, 'secret-dialog', { fullPage: false });
  await page.emulateMedia({ colorScheme: 'light' });

  // Masked by default; Copy announces "Copied" and puts the secret on the clipboard.
  const field = dialog.getByLabel('Client secret');
  await expect(field).toHaveAttribute('type', 'password');
  await dialog.getByRole('button', { name: 'Copy secret' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toHaveCount(1);
  const value = await field.inputValue();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(value);
  expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await expect(dialog.getByLabel('curl command')).toContainText(api.tokenEndpoint);

  // The dialog does not close before "I have stored it", not even with Escape.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('I have stored the secret somewhere safe').check();
  await dialog.getByRole('button', { name: 'Close' }).last().click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: 'Nightly Export' })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/resources/ClientApplication/${id}$`));

  // A real token request with that secret succeeds.
  const token = await api.requestToken(id, value, 'system/*.rs');
  expect(token.status).toBe(200);
  expect(token.body.access_token).toBeTruthy();

  // Reload: the secret is nowhere: not on the page, in storage, in the JSON tab or the history.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Nightly Export' })).toBeVisible();
  await assertSecretNowhere(page, value);
  await page.getByRole('tab', { name: 'JSON' }).click();
  await expect(page.getByLabel('ClientApplication JSON')).toContainText(`"id": "${id}"`);
  await assertSecretNowhere(page, value);
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByRole('cell', { name: 'Created' })).toBeVisible();
  await assertSecretNowhere(page, value);
  await goToClient(page, id, 'json');
  await expect(page.getByLabel('ClientApplication JSON')).not.toContainText('"secret"');
});

test('a client ID that is taken is refused before and at submit', async ({ page, api }) => {
  const taken = await api.seedBackendClient(uniqueId('taken'), 'Taken');
  await goToNewClient(page);
  await page.getByRole('radio', { name: /Backend service/ }).check();
  await page.getByRole('textbox', { name: /^Name/ }).fill('Another');
  await page.getByRole('textbox', { name: /^Client ID/ }).fill(taken.id);
  await expect(page.getByText('This client ID is already taken: choose another one.')).toBeVisible();
  await clickCreate(page);
  // PUT + If-None-Match: * answers 412; no secret dialog stays open, the field says why.
  await expect(secretDialog(page)).toBeHidden();
  await expect(page.getByRole('textbox', { name: /^Client ID/ })).toHaveAttribute('aria-invalid', 'true');
  expect((await api.readClientApplication(taken.id)).json?.name).toBe('Taken');
});
