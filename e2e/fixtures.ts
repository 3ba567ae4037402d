import { test as base, expect } from '@playwright/test';
import { createApi, type Api } from './api.ts';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the specs through playwright.config.ts.`);
  return value;
}

/** Every spec runs against the server e2e/global-setup.ts started. */
export const test = base.extend<{ api: Api }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure
  baseURL: async ({}, use) => {
    await use(env('E2E_BASE_URL'));
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure
  api: async ({}, use) => {
    await use(
      createApi({
        fhirBaseUrl: env('E2E_FHIR_BASE_URL'),
        tokenEndpoint: env('E2E_TOKEN_ENDPOINT'),
        issuer: env('E2E_ISSUER'),
        systemClient: { id: env('E2E_SYSTEM_CLIENT_ID'), secret: env('E2E_SYSTEM_CLIENT_SECRET') },
      }),
    );
  },
});

export const admin = {
  get email() {
    return env('E2E_ADMIN_EMAIL');
  },
  get password() {
    return env('E2E_ADMIN_PASSWORD');
  },
};

export { expect };
