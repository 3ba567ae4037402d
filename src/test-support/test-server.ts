import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App, type AppOptions } from '../server/app.ts';
import { loadConfig, fhirBaseUrl, type Config } from '../server/config.ts';

// A real reference server for tests: its own temporary data directory, 127.0.0.1, a free port.

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

export type TestServer = { app: App; config: Config; origin: string; fhirBaseUrl: string; close: () => Promise<void> };

export async function startTestServer(
  env: Record<string, string> = {},
  options: { logger?: AppOptions['logger']; consoleDir?: AppOptions['consoleDir'] } = {},
): Promise<TestServer> {
  const port = await freePort();
  const dataDir = env.DATA_DIR ?? tempDataDir();
  const config = loadConfig({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir, ...env });
  const app = await buildApp({ config, consoleDir: options.consoleDir ?? false, logger: options.logger });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    app,
    config,
    origin: config.publicUrl,
    fhirBaseUrl: fhirBaseUrl(config),
    close: async () => {
      await app.close();
      if (!env.DATA_DIR) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
