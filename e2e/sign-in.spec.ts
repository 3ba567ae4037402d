import { LIST_PATH, fillLoginForm, goToConsole } from './console.ts';
import { expect, test } from './fixtures.ts';

// Each scenario signs in through the real login page (scrypt) on a 2-core machine.
test.describe.configure({ timeout: 60_000 });

test('sign-in goes through the real login page and returns to the page the admin asked for', async ({ page }) => {
  const wanted = `${LIST_PATH}?grantType=client_credentials&sort=-lastUpdated`;
  await page.goto(wanted);
  await expect(page).toHaveURL(/\/oidc\//);
  await expect(page.getByLabel('Password')).toBeVisible();
  await fillLoginForm(page);

  await expect(page.getByRole('heading', { level: 1, name: 'Client applications' })).toBeVisible();
  // /callback replaced itself with the wanted page: no code or state left in the URL or history.
  const url = new URL(page.url());
  expect(url.pathname + url.search).toBe(wanted);
  await expect(page.getByLabel('Grant type')).toHaveValue('client_credentials');
  await page.goBack();
  expect(page.url()).not.toContain('code=');

  // Tokens live in memory only; the PKCE/state of the round trip is gone from sessionStorage.
  const storage = await page.evaluate(() => ({ local: { ...localStorage }, session: { ...sessionStorage } }));
  expect(storage).toEqual({ local: {}, session: {} });
});

test('a reload signs in again without the login form while the OP session lasts, and stays on the page', async ({ page }) => {
  await goToConsole(page, `${LIST_PATH}?name=zzz`);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`${LIST_PATH}\\?name=zzz$`));
  await expect(page.getByRole('searchbox', { name: 'Search by name' })).toHaveValue('zzz');
});

test('sign-out revokes the tokens and ends the session', async ({ page }) => {
  const revocations: number[] = [];
  page.on('response', (response) => {
    if (response.url().includes('/token/revocation')) revocations.push(response.status());
  });
  await goToConsole(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await expect(page.getByRole('heading', { name: 'You have signed out' })).toBeVisible();
  expect(revocations).toEqual([200]);
  expect(new URL(page.url()).search).toBe('');

  // The OP session is over too: signing in again asks for the password.
  await page.getByRole('button', { name: 'Sign in again' }).click();
  await expect(page.getByLabel('Password')).toBeVisible();
});

test('an invalid config.json gives a readable error page, not a blank screen', async ({ page }) => {
  // The one stand-in in the suite: a host that serves a broken settings file.
  await page.route('**/config.json', (route) => route.fulfill({ json: { fhirBaseUrl: 'ftp://nowhere', scopes: 'profile' } }));
  await page.goto(LIST_PATH);
  await expect(page.getByRole('heading', { name: 'The console cannot start' })).toBeVisible();
  await expect(page.getByText('"fhirBaseUrl" must be an http(s) URL.')).toBeVisible();
  await expect(page.getByText(/"scopes" must be a space-separated string/)).toBeVisible();
});
