import { expect, test } from './fixtures.ts';

async function goToLanding(page: import('@playwright/test').Page) {
  await page.goto('/');
}

test('the landing page names the product and where its FHIR API lives', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await goToLanding(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Client Admin' })).toBeVisible();
  await expect(page.getByText(`${process.env.E2E_FHIR_BASE_URL}/metadata`)).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/landing-light.png', fullPage: true });
  expect(errors).toEqual([]);
});

test('a client-side route is served the app, not a 404, and follows a dark system theme', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  const response = await page.goto('/resources/ClientApplication');
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await expect(page.getByRole('heading', { level: 1, name: 'Client Admin' })).toBeVisible();
  const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(background).toBe('rgb(11, 17, 32)');
  await page.screenshot({ path: 'test-results/screenshots/landing-dark.png', fullPage: true });
});
