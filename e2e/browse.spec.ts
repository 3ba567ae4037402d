import { uniqueId } from './api.ts';
import { LIST_PATH, assertNoAxeViolations, clickCreate, fillClientBasics, fillRedirectUri, fillScope, goToConsole, goToNewClient } from './console.ts';
import { expect, test } from './fixtures.ts';

// Each scenario signs in through the real login page (a slow password hash) on a 2-core machine.
test.describe.configure({ timeout: 60_000 });

test('create a web app with redirect URIs and scopes; find it by name and grant type; the URL reproduces the view', async ({ page, browser, baseURL }) => {
  const id = uniqueId('portal');
  const name = `Zeta Portal ${id.slice(-6)}`;
  await goToNewClient(page);
  await fillClientBasics(page, { preset: /Web app/, name, id });
  await fillRedirectUri(page, 1, 'https://portal.example.com/callback');
  await fillRedirectUri(page, 2, 'https://portal.example.com/silent');
  await fillScope(page, 'patient/Observation.read');
  await expect(page.getByRole('list', { name: 'Granted scopes' }).getByText('patient/Observation.rs')).toBeVisible();
  await expect(page.getByText('Read and search Observations for the patient in context')).toBeVisible();
  await clickCreate(page);

  // Public client: no secret dialog, straight to its page with a toast.
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByText(`Created ${name}`)).toBeVisible();
  await expect(page.getByText('Public', { exact: true })).toBeVisible();

  await page.getByRole('link', { name: 'Client applications' }).first().click();
  const search = page.getByRole('searchbox', { name: 'Search by name' });
  await search.fill(name.slice(0, 9));
  await expect(page).toHaveURL(/name=Zeta/);
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name }) });
  await expect(row).toBeVisible();
  await expect(row.getByRole('cell').nth(4)).toHaveText('2');

  await page.getByLabel('Grant type').selectOption('client_credentials');
  await expect(page).toHaveURL(/grantType=client_credentials/);
  await expect(page.getByRole('link', { name })).toBeHidden();
  await page.getByLabel('Grant type').selectOption('authorization_code');
  await expect(page.getByRole('link', { name })).toBeVisible();
  await page.getByRole('button', { name: /^Last updated/ }).click();
  await expect(page).toHaveURL(/sort=lastUpdated/);

  // Another admin opening the same URL sees the same view.
  const shared = new URL(page.url());
  const other = await browser.newPage({ baseURL });
  await goToConsole(other, `${shared.pathname}${shared.search}`);
  await expect(other.getByRole('searchbox', { name: 'Search by name' })).toHaveValue(name.slice(0, 9));
  await expect(other.getByLabel('Grant type')).toHaveValue('authorization_code');
  await expect(other.getByRole('link', { name })).toBeVisible();
  await other.close();
});

test('the list pages through many clients on the server, with the page in the URL', async ({ page, api }) => {
  const prefix = `Paging ${Date.now().toString(36)}`;
  for (let i = 0; i < 23; i++) {
    await api.putClientApplication({ id: uniqueId('paging'), name: `${prefix} ${String(i).padStart(2, '0')}`, grantType: ['authorization_code'], redirectUri: ['https://paging.example/cb'] });
  }
  await goToConsole(page, `${LIST_PATH}?name=${encodeURIComponent(prefix)}`);
  const pages = page.getByRole('navigation', { name: 'Pages' });
  await expect(pages.getByText('Showing 1–20 of 23 client applications')).toBeVisible();
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(pages.getByText('Showing 21–23 of 23 client applications')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Next page' })).toBeDisabled();
  await assertNoAxeViolations(page);
});

test('empty and error states say what to do', async ({ page }) => {
  await goToConsole(page, `${LIST_PATH}?name=${uniqueId('nothing')}`);
  await expect(page.getByRole('heading', { name: 'No client applications match' })).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  await expect(page).toHaveURL(new RegExp(`${LIST_PATH}$`));
});
