import { test as base, expect } from '@playwright/test';

/** Every spec runs against the server e2e/global-setup.ts started. */
export const test = base.extend({
  // Playwright fixtures must destructure their dependencies; this one has none.
  // eslint-disable-next-line no-empty-pattern
  baseURL: async ({}, use) => {
    const url = process.env.E2E_BASE_URL;
    if (!url) throw new Error('E2E_BASE_URL is not set: run the specs through playwright.config.ts.');
    await use(url);
  },
});

export { expect };
