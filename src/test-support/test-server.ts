import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App, type AppOptions } from '../server/app.ts';
import { loadConfig, fhirBaseUrl, oidcIssuer, type Config } from '../server/config.ts';
import { hashSecret } from '../server/oidc/secret-hash.ts';
import { testTokenProvider } from './test-token.ts';

// A real reference server for tests: its own temporary data directory, 127.0.0.1, a free port,
// an admin with a known password and a confidential `system/*.*` client seeded through the store,
// so suites can get tokens the way any client does (client_credentials or Basic).

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'client-admin-test-'));
}

export const TEST_SYSTEM_CLIENT_ID = 'test-system-client';
export const TEST_ADMIN_EMAIL = 'admin@localhost';

export type TestServer = {
  app: App;
  config: Config;
  origin: string;
  fhirBaseUrl: string;
  issuer: string;
  tokenEndpoint: string;
  /** A confidential client_credentials + basic_auth client with scope `system/*.*`. */
  systemClient: { id: string; secret: string };
  admin: { email: string; password: string };
  /** A fresh-enough client_credentials access token of the system client (cached until near expiry). */
  getAccessToken: (scope?: string) => Promise<string>;
  /** `Authorization` header values for the system client. */
  bearer: () => Promise<string>;
  basic: () => string;
  close: () => Promise<void>;
};

export async function startTestServer(
  env: Record<string, string> = {},
  options: { logger?: AppOptions['logger']; consoleDir?: AppOptions['consoleDir'] } = {},
): Promise<TestServer> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const dataDir = env.DATA_DIR ?? tempDataDir();
  const adminPassword = env.ADMIN_PASSWORD ?? randomBytes(18).toString('base64url');
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    ADMIN_EMAIL: TEST_ADMIN_EMAIL,
    ADMIN_PASSWORD: adminPassword,
    ...env,
  });
  const app = await buildApp({ config, consoleDir: options.consoleDir ?? false, logger: options.logger });
  await app.oidc.users.ensureFirstAdmin(config.adminEmail, config.adminPassword);

  // Seeded through the store, not the API: the API itself needs a token.
  const secret = env.TEST_CLIENT_SECRET ?? randomBytes(32).toString('base64url');
  const hash = await hashSecret(secret);
  app.store.save(TEST_SYSTEM_CLIENT_ID, () => ({
    resource: {
      resourceType: 'ClientApplication',
      id: TEST_SYSTEM_CLIENT_ID,
      name: 'Test system client',
      grantType: ['client_credentials', 'basic_auth'],
      responseTypes: 'token',
      scope: 'system/*.*',
    },
    secret: { kind: 'set', hash },
    method: 'PUT',
  }));

  await app.listen({ port, host: '127.0.0.1' });
  const issuer = oidcIssuer(config);
  const tokenEndpoint = `${issuer}/token`;
  const getAccessToken = testTokenProvider({ tokenEndpoint, clientId: TEST_SYSTEM_CLIENT_ID, clientSecret: secret });

  return {
    app,
    config,
    origin: config.publicUrl,
    fhirBaseUrl: fhirBaseUrl(config),
    issuer,
    tokenEndpoint,
    systemClient: { id: TEST_SYSTEM_CLIENT_ID, secret },
    admin: { email: config.adminEmail, password: adminPassword },
    getAccessToken,
    bearer: async () => `Bearer ${await getAccessToken()}`,
    basic: () => `Basic ${Buffer.from(`${TEST_SYSTEM_CLIENT_ID}:${secret}`).toString('base64')}`,
    close: async () => {
      await app.close();
      if (!env.DATA_DIR) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
