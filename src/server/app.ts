import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { issue, operationOutcome } from '../model/operation-outcome.ts';
import { fhirBasePath, fhirBaseUrl, oidcIssuer, oidcIssuerPath, projectPath, type Config } from './config.ts';
import { consolePageSender } from './console-page.ts';
import { createCorsPolicy, fhirCors } from './cors.ts';
import { frameworkErrors, installErrorHandler } from './errors.ts';
import { startIdleCollection } from './idle-collection.ts';
import { fastifyLogging, type LoggerOptions } from './logger.ts';
import { FHIR_JSON, fhirRoutes } from './fhir/routes.ts';
import { ADMIN_APP_CLIENT_ID, ADMIN_APP_SCOPE } from './oidc/client-metadata.ts';
import { createOidcServer, oidcRoutes, type OidcServer } from './oidc/oidc-server.ts';
import { applySecurityHeaders } from './security-headers.ts';
import { createClientApplicationStore, type ClientApplicationStore } from './store/client-applications.ts';
import { openDatabase, type Db } from './store/database.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONSOLE_DIR = path.join(ROOT, 'dist/console');
/** The console's content-hashed build output (assets/): never changes under its name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** /favicon.ico: not content-hashed, so kept for a day, not for good. */
const ICON_CACHE = 'public, max-age=86400';
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** A ClientApplication is a few kilobytes; anything near this is abuse, not data. */
export const BODY_LIMIT = 256 * 1024;

export type AppOptions = {
  config: Config;
  /** Pino options (loggerOptions); no logging without. */
  logger?: LoggerOptions;
  /** Serve the built console from dist/console (default: when it exists). */
  consoleDir?: string | false;
};

export type App = FastifyInstance & { store: ClientApplicationStore; db: Db; oidc: OidcServer };

export function databaseFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'client-admin.sqlite');
}

/** Builds the whole server without listening: what main.ts starts and what tests inject into. */
export async function buildApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const db = openDatabase(databaseFile(config));
  const store = createClientApplicationStore(db);

  const logging = fastifyLogging(options.logger);
  const app = Fastify({
    ...logging.fastify,
    bodyLimit: BODY_LIMIT,
    // Ids are case-sensitive and "a/" is not "a": no normalisation of paths.
    routerOptions: { ignoreTrailingSlash: false, caseSensitive: true, maxParamLength: 200 },
    return503OnClosing: true,
    frameworkErrors,
  });
  // Before any plugin: their instances inherit it.
  if (logging.appLog) app.log = logging.appLog;
  const cors = createCorsPolicy({ store, consoleOrigin: new URL(config.publicUrl).origin });
  const oidc = await createOidcServer({ config, db, store, cors });
  app.decorate('store', store);
  app.decorate('db', db);
  app.decorate('oidc', oidc);
  // Memory a burst of requests leaves resident goes back once the server is quiet (where node runs
  // with --expose-gc, as npm start does).
  const stopIdleCollection = startIdleCollection((collection) => app.log.debug(collection, 'idle collection'), globalThis.gc);
  app.addHook('onClose', async () => {
    stopIdleCollection?.();
    store.close();
    db.close();
  });

  installErrorHandler(app);

  // Graceful close (main.ts): responses finished while closing ask the client to drop its
  // keep-alive connection, so close() does not wait on idle sockets until a timeout.
  let isClosing = false;
  app.addHook('preClose', async () => {
    isClosing = true;
  });

  app.addHook('onSend', (_request, reply, payload, done) => {
    if (isClosing) reply.header('connection', 'close');
    applySecurityHeaders(reply);
    done(null, payload);
  });

  fhirCors(app, { policy: cors, basePath: fhirBasePath(config) });

  // The FHIR API requires a token on every route, /metadata included (issue 3): one hook for the
  // whole scope, which authorises by each route's `fhirInteraction`.
  await app.register(
    async (scope) => {
      scope.decorateRequest('principal', undefined);
      scope.addHook('onRequest', oidc.apiAuth.onRequest);
      await scope.register(fhirRoutes, { store, fhirBaseUrl: fhirBaseUrl(config), version: VERSION });
    },
    { prefix: fhirBasePath(config) },
  );
  await app.register(oidcRoutes, { oidc, config });

  app.get('/health', async () => ({ status: 'ok' }));

  // Browsers ask for /favicon.ico on every page, the server-rendered sign-in pages included.
  // The PNG rendered from public/favicon.svg (why a PNG: scripts/render-icon.ts).
  const favicon = fs.readFileSync(path.join(ROOT, 'public/favicon.png'));
  app.get('/favicon.ico', async (_request, reply) =>
    reply.type('image/png').header('cache-control', ICON_CACHE).send(favicon),
  );

  // Runtime settings of the console, so one build runs against any deployment. They carry the
  // OP's discovery document too (oidc-client-ts' `metadata`): the console then signs in without
  // first asking {issuer}/.well-known/openid-configuration, one round trip less per page load.
  // It is the provider's own answer, fixed for the life of the process.
  let discovery: Promise<unknown> | undefined;
  const readDiscovery = () =>
    (discovery ??= app.inject({ method: 'GET', url: `${oidcIssuerPath(config)}/.well-known/openid-configuration` }).then((response) => {
      if (response.statusCode !== 200) throw new Error(`discovery answered ${response.statusCode}`);
      return response.json() as unknown;
    })).catch((error: unknown) => {
      discovery = undefined;
      throw error;
    });
  const consoleSettings = async () => ({
    fhirBaseUrl: fhirBaseUrl(config),
    issuer: oidcIssuer(config),
    clientId: ADMIN_APP_CLIENT_ID,
    scopes: ADMIN_APP_SCOPE,
    metadata: await readDiscovery(),
  });
  app.get('/config.json', async (_request, reply) => reply.header('cache-control', 'no-cache').send(await consoleSettings()));

  const consoleDir = options.consoleDir === undefined ? CONSOLE_DIR : options.consoleDir && path.resolve(options.consoleDir);
  const indexFile = consoleDir && path.join(consoleDir, 'index.html');
  // The console's page, with its settings inline (console-page.ts); undefined without a console.
  const sendConsolePage = indexFile && fs.existsSync(indexFile) ? consolePageSender(indexFile, consoleSettings) : undefined;
  if (consoleDir && sendConsolePage) {
    const assetsDir = path.join(consoleDir, 'assets') + path.sep;
    app.get('/', async (_request, reply) => sendConsolePage(reply));
    app.get('/index.html', async (_request, reply) => sendConsolePage(reply));
    await app.register(fastifyStatic, {
      root: consoleDir,
      wildcard: false,
      // index.html is the console page above, not a file served as it is.
      index: false,
      globIgnore: ['index.html'],
      // Vite names every file under assets/ by its content hash, so a browser may keep them for
      // good and a page load asks for none of them again; the rest is revalidated.
      setHeaders: (reply, file) => {
        if (file.startsWith(assetsDir)) reply.header('cache-control', IMMUTABLE);
      },
    });
  }

  const apiPrefix = projectPath(config);
  app.setNotFoundHandler(async (request, reply) => {
    const url = request.url.split('?')[0] ?? '';
    if (url.startsWith(fhirBasePath(config))) {
      return reply
        .code(404)
        .type(FHIR_JSON)
        .send(
          operationOutcome([
            issue(
              'not-supported',
              `${request.method} ${url.slice(fhirBasePath(config).length) || '/'} is not supported: this server stores ClientApplication resources only (see /metadata).`,
            ),
          ]),
        );
    }
    // The console is a single-page app: its routes are client-side, so unknown GETs get index.html.
    if (sendConsolePage && request.method === 'GET' && !url.startsWith(apiPrefix) && request.headers.accept?.includes('text/html')) {
      return sendConsolePage(reply);
    }
    return reply.code(404).type(FHIR_JSON).send(operationOutcome([issue('not-found', `Nothing is served at ${url}.`)]));
  });

  return app as unknown as App;
}
