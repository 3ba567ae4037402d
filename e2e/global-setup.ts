import fs from 'node:fs';
import type { FullConfig } from '@playwright/test';
import { startTestServer } from '../src/test-support/test-server.ts';

// Starts the real reference server, serving the built console, for every spec. The admin's
// password and the seeded system client reach the specs through the environment: specs sign in
// through the real login page and seed data through the real API with that client.
export default async function globalSetup(_config: FullConfig) {
  if (!fs.existsSync('dist/console/index.html')) {
    throw new Error('The console is not built: run `npm run build` (npm test does) before the e2e specs.');
  }
  const server = await startTestServer({ LOG_LEVEL: 'silent' }, { consoleDir: 'dist/console' });
  process.env.E2E_BASE_URL = server.origin;
  process.env.E2E_FHIR_BASE_URL = server.fhirBaseUrl;
  process.env.E2E_ISSUER = server.issuer;
  process.env.E2E_TOKEN_ENDPOINT = server.tokenEndpoint;
  process.env.E2E_ADMIN_EMAIL = server.admin.email;
  process.env.E2E_ADMIN_PASSWORD = server.admin.password;
  process.env.E2E_SYSTEM_CLIENT_ID = server.systemClient.id;
  process.env.E2E_SYSTEM_CLIENT_SECRET = server.systemClient.secret;
  return async () => server.close();
}
