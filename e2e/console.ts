import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';
import { admin } from './fixtures.ts';

// The console's vocabulary for specs (Keycloak-style helpers): goTo*, fill*, click*, assert*.
// Everything is found by role and label, which keeps the UI accessible too.

export const LIST_PATH = '/resources/ClientApplication';

export async function fillLoginForm(page: Page) {
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Opens `path` in the console, signing in through the real login page when the OP asks, and
 * waits until the console shows it again (the callback has consumed `code` and `state`).
 */
export async function goToConsole(page: Page, path: string = LIST_PATH) {
  await page.goto(path);
  const login = page.getByRole('button', { name: 'Sign in' });
  const signedIn = page.getByRole('button', { name: 'Sign out' });
  // A page load first signs in silently; should the OP not answer, the console gives up after
  // 5 s (SILENT_SIGN_IN_TIMEOUT_SECONDS) and redirects to the login page: wait that long.
  await expect(login.or(signedIn)).toBeVisible({ timeout: 10_000 });
  if (await login.isVisible()) await fillLoginForm(page);
  await expect(signedIn).toBeVisible();
  const wanted = new URL(path, page.url());
  await expect(page).toHaveURL((url) => url.pathname === wanted.pathname && url.search === wanted.search);
}

export async function goToNewClient(page: Page) {
  await goToConsole(page, LIST_PATH);
  await page.getByRole('link', { name: 'New client application' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'New client application' })).toBeVisible();
}

export async function goToClient(page: Page, id: string, tab?: 'json' | 'history') {
  await goToConsole(page, `${LIST_PATH}/${id}${tab ? `?tab=${tab}` : ''}`);
  await expect(page.getByRole('tab', { name: 'Settings' })).toBeVisible();
}

export async function fillClientBasics(page: Page, options: { preset: RegExp; name: string; id: string }) {
  await page.getByRole('radio', { name: options.preset }).check();
  await page.getByRole('textbox', { name: /^Name/ }).fill(options.name);
  await page.getByRole('textbox', { name: /^Client ID/ }).fill(options.id);
  await expect(page.getByText('This client ID is available.')).toBeVisible();
}

export async function fillRedirectUri(page: Page, index: number, value: string) {
  const field = page.getByRole('textbox', { name: `Redirect URI ${index}` });
  if (!(await field.isVisible())) await page.getByRole('button', { name: 'Add redirect URI' }).click();
  await field.fill(value);
}

export async function fillScope(page: Page, scope: string) {
  await page.getByRole('combobox', { name: 'Add scopes' }).fill(scope);
  await page.getByRole('combobox', { name: 'Add scopes' }).press('Enter');
}

export async function clickCreate(page: Page) {
  await page.getByRole('button', { name: 'Create client application' }).click();
}

export function secretDialog(page: Page): Locator {
  return page.getByRole('dialog', { name: /Client secret for|New client secret for/ });
}

/** Reads the one-time secret from its dialog (revealing it), stores it, closes the dialog. */
export async function clickRevealAndStoreSecret(page: Page): Promise<string> {
  const dialog = secretDialog(page);
  const field = dialog.getByLabel('Client secret');
  await expect(field).toHaveAttribute('type', 'password');
  await dialog.getByRole('button', { name: 'Show' }).click();
  await expect(field).toHaveAttribute('type', 'text');
  const secret = await field.inputValue();
  expect(secret).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeDisabled();
  await dialog.getByLabel('I have stored the secret somewhere safe').check();
  await dialog.getByRole('button', { name: 'Close' }).last().click();
  await expect(dialog).toBeHidden();
  return secret;
}

export async function assertNoAxeViolations(page: Page, include?: string) {
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']);
  if (include) builder.include(include);
  const { violations } = await builder.analyze();
  expect(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/**
 * Records every Content-Security-Policy violation of the pages `page` loads from now on. Chromium
 * does not pass its own CSP refusals to Playwright's console events, so an init script listens for
 * the documents' `securitypolicyviolation` events and logs each one.
 */
export async function watchCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().startsWith('CSP violation')) violations.push(message.text());
  });
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      console.log(`CSP violation: ${e.violatedDirective} ${e.blockedURI} at ${e.documentURI}`),
    ),
  );
  return violations;
}

/** Neither the page, nor Web Storage, nor IndexedDB holds `secret`. */
export async function assertSecretNowhere(page: Page, secret: string) {
  expect(await page.content()).not.toContain(secret);
  const stored = await page.evaluate(async () => {
    const dump = (storage: Storage) => Object.keys(storage).map((key) => `${key}=${storage.getItem(key) ?? ''}`);
    const databases = 'databases' in indexedDB ? await indexedDB.databases() : [];
    return { local: dump(localStorage), session: dump(sessionStorage), indexedDb: databases.map((d) => d.name ?? '') };
  });
  expect(JSON.stringify(stored)).not.toContain(secret);
  expect(stored.indexedDb).toEqual([]);
}

/** docs/screenshots/{name}-{light|dark}.png; dialogs are taken as the viewport shows them. */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  const scheme = await page.evaluate(() => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  await page.screenshot({ path: `docs/screenshots/${name}-${scheme}.png`, fullPage: options.fullPage ?? true, animations: 'disabled' });
}
