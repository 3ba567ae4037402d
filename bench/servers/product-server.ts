import { databaseFile } from '../../src/server/app.ts';
import { startTestServer } from '../../src/test-support/test-server.ts';
import { memory, serveCommands } from '../lib/child.ts';
import { benchServerLogging } from './logging.ts';

// Our server as it runs in production (buildApp: Fastify, oidc-provider with the SQLite adapter,
// hashed secrets and the verification cache, the FHIR API behind bearer tokens; bundled and run by
// plain node as `npm start` runs it, see bench/lib/child.ts startBundledChild; logging as with
// LOG_LEVEL=warn, see ./logging.ts), on 127.0.0.1 with a temporary database, plus the seeded
// confidential `system/*.*` client and the first admin of startTestServer. argv[2]: a built
// console directory to serve, or nothing.

const consoleDir = process.argv[2] || false;
const logging = benchServerLogging();
const server = await startTestServer(logging.env, { consoleDir, logger: logging.logger });

export type ProductReady = {
  origin: string;
  fhirBaseUrl: string;
  tokenEndpoint: string;
  systemClient: { id: string; secret: string };
  admin: { email: string; password: string };
  databaseFile: string;
};

let isClosing = false;
async function close() {
  if (isClosing) return;
  isClosing = true;
  await server.close();
  process.exit(0);
}
process.on('SIGTERM', () => void close());
process.on('disconnect', () => void close());

serveCommands<ProductReady>(
  {
    origin: server.origin,
    fhirBaseUrl: server.fhirBaseUrl,
    tokenEndpoint: server.tokenEndpoint,
    systemClient: server.systemClient,
    admin: server.admin,
    databaseFile: databaseFile(server.config),
  },
  {
    // A client_credentials token of the system client, valid for at least 30 more seconds.
    token: () => server.getAccessToken(),
    memory: () => memory(),
    // After a full collection (gc() is there with npm start's flags, --expose-gc): what the server
    // keeps, as opposed to what it holds until V8 next collects.
    memoryAfterFullGc: () => {
      const gc = globalThis.gc;
      if (!gc) throw new Error('gc() is not exposed: start the server with --expose-gc');
      gc();
      return memory();
    },
  },
);
