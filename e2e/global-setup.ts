import fs from 'node:fs';
import type { FullConfig } from '@playwright/test';
import { startTestServer } from '../src/test-support/test-server.ts';

// Starts the real reference server, serving the built console, for every spec.
export default async function globalSetup(_config: FullConfig) {
  if (!fs.existsSync('dist/console/index.html')) {
    throw new Error('The console is not built: run `npm run build` (npm test does) before the e2e specs.');
  }
  const server = await startTestServer({}, { consoleDir: 'dist/console' });
  process.env.E2E_BASE_URL = server.origin;
  process.env.E2E_FHIR_BASE_URL = server.fhirBaseUrl;
  return async () => server.close();
}
