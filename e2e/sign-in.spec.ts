import type { Page } from '@playwright/test';
import { uniqueId } from './api.ts';
import { LIST_PATH, fillLoginForm, goToConsole, watchCspViolations } from './console.ts';
import { expect, test } from './fixtures.ts';

/** Every URL the page itself (not an iframe) navigates to, from now on. */
function recordTopLevelNavigations(page: Page): string[] {
  const urls: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) urls.push(frame.url());
  });
  return urls;
}

// Each scenario signs in through the real login page (a slow password hash) on a 2-core machine.
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

test('a reload on a list URL with a live OP session shows the rows without the page ever leaving for the OP', async ({ page, api }) => {
  const id = uniqueId('silent');
  await api.seedBackendClient(id, `Silent ${id}`);
  const wanted = `${LIST_PATH}?name=${encodeURIComponent(`Silent ${id}`)}`;
  await goToConsole(page, wanted);

  const navigations = recordTopLevelNavigations(page);
  const frames: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) frames.push(frame.url());
  });
  const authorizations: { type: string; prompt: string | null; isEarly: boolean }[] = [];
  const settingsRequests: string[] = [];
  const pageAssets: string[] = [];
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  const cspViolations = await watchCspViolations(page);
  page.on('request', (request) => {
    const url = new URL(request.url());
    // The page's own inline script sends it before the entry chunk runs (early-sign-in.ts); it
    // alone adds a nonce (oidc-client-ts sends none unless asked).
    if (url.pathname.endsWith('/oidc/auth')) authorizations.push({ type: request.resourceType(), prompt: url.searchParams.get('prompt'), isEarly: url.searchParams.has('nonce') });
    if (request.url().endsWith('/config.json')) settingsRequests.push(request.url());
    if (['stylesheet', 'image', 'font'].includes(request.resourceType()) || url.pathname.includes('favicon')) pageAssets.push(request.url());
  });
  await page.reload();
  await expect(page.getByRole('link', { name: `Silent ${id}` })).toBeVisible();
  // One top-level navigation, the reload itself: the OP was asked by a same-origin fetch
  // (prompt=none, on its session cookie), with no frame at all.
  expect(navigations.map((url) => new URL(url).pathname + new URL(url).search)).toEqual([wanted]);
  expect(navigations.some((url) => url.includes('/oidc/'))).toBe(false);
  expect(authorizations).toEqual([{ type: 'fetch', prompt: 'none', isEarly: true }]);
  // The inline script ran under the page's CSP (allowed by its hash), nothing was refused, and
  // nothing went wrong.
  expect(cspViolations).toEqual([]);
  expect(consoleErrors).toEqual([]);
  expect(frames).toEqual([]);
  // The settings, the styles and the icon came inline with the page.
  expect(settingsRequests).toEqual([]);
  expect(pageAssets).toEqual([]);
  // The round trip's PKCE verifier and state are gone; tokens are in memory only.
  const storage = await page.evaluate(() => ({ local: { ...localStorage }, session: { ...sessionStorage } }));
  expect(storage).toEqual({ local: {}, session: {} });
});

test('when the OP session is gone, a page load falls back to the login page and returns to the page the admin wanted', async ({ page }) => {
  const wanted = `${LIST_PATH}?grantType=authorization_code&sort=name`;
  await goToConsole(page, wanted);
  // The browser loses the OP's session (its cookies expire or are cleared): a silent sign-in is
  // answered login_required, and the console sends the admin to the real login page.
  await page.context().clearCookies();
  await page.reload();
  await expect(page).toHaveURL(/\/oidc\//);
  await fillLoginForm(page);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page).toHaveURL((url) => url.pathname + url.search === wanted);
});

test('after sign-out a reload shows the login page: the console does not sign back in silently', async ({ page }) => {
  await goToConsole(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await expect(page.getByRole('heading', { name: 'You have signed out' })).toBeVisible();
  await page.reload();
  await expect(page).toHaveURL(/\/oidc\//);
  await expect(page.getByLabel('Password')).toBeVisible();
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
  // The one stand-in in the suite: a static host, whose index.html preloads config.json instead of
  // carrying the settings inline as the embedded server's page does, and whose config.json is broken.
  await page.route(`**${LIST_PATH}`, async (route) => {
    const response = await route.fetch();
    const inline = /<script type="application\/json" id="console-config">[^<]*<\/script>/;
    const html = await response.text();
    expect(html).toMatch(inline);
    await route.fulfill({ response, body: html.replace(inline, '<link rel="preload" href="/config.json" as="fetch" crossorigin="anonymous" />') });
  });
  await page.route('**/config.json', (route) => route.fulfill({ json: { fhirBaseUrl: 'ftp://nowhere', scopes: 'profile' } }));
  await page.goto(LIST_PATH);
  await expect(page.getByRole('heading', { name: 'The console cannot start' })).toBeVisible();
  await expect(page.getByText('"fhirBaseUrl" must be an http(s) URL.')).toBeVisible();
  await expect(page.getByText(/"scopes" must be a space-separated string/)).toBeVisible();
});
