import fs from 'node:fs';
import path from 'node:path';
import { uniqueId } from './api.ts';
import { LIST_PATH, assertNoAxeViolations, goToClient, goToConsole, goToNewClient, saveScreenshot, watchCspViolations } from './console.ts';
import { expect, test } from './fixtures.ts';

// Each scenario signs in through the real login page (a slow password hash) on a 2-core machine.
test.describe.configure({ timeout: 60_000 });

for (const colorScheme of ['light', 'dark'] as const) {
  test(`list, new and detail have no axe or CSP violations in the ${colorScheme} theme, and are photographed`, async ({ page, api }) => {
    // Five axe runs over full pages on a small machine.
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme });
    // Every page, the login page included, runs under its CSP without a violation (zod used to
    // probe eval on each console page load).
    const cspViolations = await watchCspViolations(page);
    const id = `screenshot-${colorScheme}`;
    await api.putClientApplication({
      id,
      name: 'Patient Portal',
      grantType: ['authorization_code', 'refresh_token'],
      redirectUri: ['https://portal.example.com/callback'],
      scope: 'openid profile email patient/*.read offline_access',
      logoUri: 'https://portal.example.com/logo.png',
      contact: { system: 'email', value: 'portal-team@example.com' },
    });
    await api.putClientApplication({ id: `cli-${colorScheme}`, name: 'CLI', grantType: ['client_credentials'], secret: 'my-super-secret', scope: 'openid system/*.*' });

    await goToConsole(page, `${LIST_PATH}?sort=-lastUpdated`);
    await expect(page.getByRole('link', { name: 'Patient Portal' }).first()).toBeVisible();
    await assertNoAxeViolations(page);
    await saveScreenshot(page, 'list');

    await goToNewClient(page);
    await page.getByRole('radio', { name: /Web app/ }).check();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Scheduling App');
    await page.getByRole('textbox', { name: 'Redirect URI 1' }).fill('http://scheduling.example.com/cb');
    await page.getByRole('checkbox', { name: 'authorization_code' }).focus();
    await assertNoAxeViolations(page);
    await saveScreenshot(page, 'new');

    await goToClient(page, id);
    await assertNoAxeViolations(page);
    await saveScreenshot(page, 'detail');
    await page.getByRole('tab', { name: 'History' }).click();
    await expect(page.getByRole('cell', { name: 'Created' })).toBeVisible();
    await assertNoAxeViolations(page);
    await page.getByRole('tab', { name: 'JSON' }).click();
    await assertNoAxeViolations(page);
    await saveScreenshot(page, 'detail-json');

    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(background).toBe(colorScheme === 'dark' ? 'rgb(11, 17, 32)' : 'rgb(255, 255, 255)');
    expect(cspViolations).toEqual([]);
  });
}

test("the console page's icon is the product icon (public/favicon.svg), carried as a PNG", async ({ page }) => {
  // The PNG is rendered from the SVG (scripts/render-icon.ts): it must not drift from it.
  await goToConsole(page);
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  expect(href).toMatch(/^data:image\/png;base64,/);
  const svg = fs.readFileSync(path.resolve('public/favicon.svg'), 'utf8');
  const largestDifference = await page.evaluate(
    async ({ png, svg }) => {
      const pixels = async (src: string) => {
        const image = new Image();
        image.src = src;
        await image.decode();
        const canvas = new OffscreenCanvas(32, 32);
        const context = canvas.getContext('2d');
        context?.drawImage(image, 0, 0, 32, 32);
        return context?.getImageData(0, 0, 32, 32).data ?? new Uint8ClampedArray();
      };
      const [fromPng, fromSvg] = await Promise.all([pixels(png), pixels(`data:image/svg+xml,${encodeURIComponent(svg)}`)]);
      if (fromPng.length !== 32 * 32 * 4 || fromSvg.length !== fromPng.length) return Infinity;
      return fromPng.reduce((largest, value, i) => Math.max(largest, Math.abs(value - (fromSvg[i] as number))), 0);
    },
    { png: href ?? '', svg },
  );
  // 0 with the Chromium that rendered it; anti-aliasing may move a few levels with another version.
  expect(largestDifference, 'largest difference of one colour channel, 0–255').toBeLessThanOrEqual(6);
});

test('keyboard only: create a public client from the list, without a mouse', async ({ page }) => {
  await goToConsole(page);
  const id = uniqueId('keyboard');
  // Skip link first, then into the page.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeFocused();
  await page.getByRole('link', { name: 'New client application' }).first().focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'New client application' })).toBeVisible();

  await page.getByRole('radio', { name: /Backend service/ }).focus();
  await page.keyboard.press('ArrowRight'); // Web app / SPA
  await expect(page.getByRole('radio', { name: /Web app/ })).toBeChecked();
  await page.keyboard.press('ArrowRight'); // Native app
  await expect(page.getByRole('radio', { name: /Native app/ })).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('textbox', { name: /^Client ID/ })).toBeFocused();
  await page.keyboard.type(id);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Keyboard Native');
  // The scope editor takes Enter to add a chip.
  await page.getByRole('combobox', { name: 'Add scopes' }).focus();
  await page.keyboard.type('launch');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('list', { name: 'Granted scopes' }).getByText('launch', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Create client application' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Keyboard Native' })).toBeVisible();

  // Tabs follow the arrow keys.
  await page.getByRole('tab', { name: 'Settings' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'JSON' })).toBeFocused();
  await expect(page).toHaveURL(/tab=json/);
});

test('an ended session sends the admin through sign-in and back; with unsaved edits it warns first', async ({ page, api }) => {
  const id = uniqueId('session');
  await api.putClientApplication({ id, name: 'Session', grantType: ['authorization_code'], redirectUri: ['https://s.example/cb'] });

  // Capture the console's refresh tokens as they arrive, to end its session the way an OP would.
  const refreshTokens: string[] = [];
  page.on('response', async (response) => {
    if (response.url().endsWith('/oidc/token') && response.ok()) {
      const body = (await response.json().catch(() => ({}))) as { refresh_token?: string };
      if (body.refresh_token) refreshTokens.push(body.refresh_token);
    }
  });
  const revokeSession = async () => {
    // Revoking the refresh token revokes the whole grant: the access token dies with it.
    const response = await fetch(`${api.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshTokens.at(-1) ?? '', token_type_hint: 'refresh_token', client_id: 'admin-app' }),
    });
    expect(response.status).toBe(200);
  };

  await goToClient(page, id);
  await expect.poll(() => refreshTokens.length).toBe(1);
  await revokeSession();
  // Clean page: the next request fails with 401, the console signs in again (the OP session
  // still stands, so no form) and comes back to the same page.
  await page.getByRole('tab', { name: 'History' }).click();
  await expect.poll(() => refreshTokens.length).toBe(2);
  await expect(page).toHaveURL(new RegExp(`${id}\\?tab=history$`));
  await expect(page.getByRole('cell', { name: 'Created' })).toBeVisible();

  // Dirty form: warn instead of leaving.
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('textbox', { name: 'Description' }).fill('half-filled');
  await revokeSession();
  await page.getByRole('button', { name: 'Save changes' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Your session has ended' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('unsaved changes');
  await assertNoAxeViolations(page, 'dialog');
  await dialog.getByRole('button', { name: 'Sign in again' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Session' })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/resources/ClientApplication/${id}$`));
});
