import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fhirBasePath, oidcIssuerPath, type Config } from '../config.ts';
import type { CorsPolicy } from '../cors.ts';
import type { ClientApplicationStore } from '../store/client-applications.ts';
import type { Db } from '../store/database.ts';
import { PAGES_CSS } from '../views/layout.ts';
import { createApiAuth } from './api-auth.ts';
import { interactionRoutes } from './interactions.ts';
import { loadOrCreateKeys } from './keys.ts';
import { createProvider } from './provider.ts';
import { providerRequests } from './request-context.ts';
import { createSecretVerifier } from './secret-verifier.ts';
import { smartConfiguration } from './smart-configuration.ts';
import { createConsentStore, createUserStore } from './users.ts';

// Assembles the authorization server from the database and the ClientApplication store, wires
// revocation to store changes, and mounts oidc-provider under the project's issuer path.

const CLEANUP_INTERVAL_MS = 60 * 60_000;

export async function createOidcServer(options: { config: Config; db: Db; store: ClientApplicationStore; cors: CorsPolicy }) {
  const { config, db, store, cors } = options;
  const issuerPath = oidcIssuerPath(config);
  const stylesheet = `${new URL(config.publicUrl).pathname.replace(/\/$/, '')}${issuerPath}/assets/pages.css`;
  const keys = await loadOrCreateKeys(db);
  const users = createUserStore(db);
  const consents = createConsentStore(db);
  const secretVerifier = createSecretVerifier();
  const { provider, adapter, issuer, resource } = createProvider({
    config,
    db,
    store,
    users,
    consents,
    keys,
    secretVerifier,
    cors,
    stylesheet,
  });
  const apiAuth = createApiAuth({ issuer, fhirBaseUrl: resource, keys, provider, store, users, secretVerifier });

  // SPEC §6: deleting a client revokes it at once. Its metadata is read from the store on every
  // lookup, so it can no longer authenticate; here every grant, code, refresh token and pending
  // interaction it holds goes in one statement, and its cached secret verifications with them.
  // JWT access tokens cannot be recalled, so the FHIR API checks the client on every request.
  const unsubscribe = store.onChange((event) => {
    if (event.kind === 'deleted') {
      adapter.revokeClient(event.id);
      consents.forgetClient(event.id);
    }
    if (event.kind === 'deleted' || event.isSecretChanged) secretVerifier.forgetClient(event.id);
  });

  adapter.removeExpired();
  const cleanup = setInterval(() => adapter.removeExpired(), CLEANUP_INTERVAL_MS);
  cleanup.unref();

  return {
    provider,
    issuer,
    issuerPath,
    stylesheet,
    users,
    apiAuth,
    csrfKey: keys.cookie[0] as string,
    consents,
    close() {
      clearInterval(cleanup);
      unsubscribe();
    },
  };
}

export type OidcServer = Awaited<ReturnType<typeof createOidcServer>>;

type RawRequest = IncomingMessage & { originalUrl?: string };

/** Fastify plugin: oidc-provider's endpoints, the discovery alias, the SMART configuration, the pages. */
export async function oidcRoutes(app: FastifyInstance, options: { oidc: OidcServer; config: Config }): Promise<void> {
  const { oidc, config } = options;
  const { provider, issuerPath } = oidc;
  const publicUrl = new URL(config.publicUrl);
  const publicPrefix = publicUrl.pathname.replace(/\/$/, '');
  // Koa prints the stack of every unexposed error to stderr unless the app has an 'error'
  // listener (a client that hangs up mid-body is one). Ours go to the server log, name and code
  // only, like every other failure (errors.ts). It must be attached before callback().
  // (Koa's own event; oidc-provider's typings list only the provider's events.)
  (provider as unknown as EventEmitter).on('error', (error: { name?: string; code?: string }) => {
    app.log.warn({ error: { name: error.name, code: error.code } }, 'authorization server request failed');
  });
  const callback = provider.callback();

  app.addHook('onClose', async () => oidc.close());

  // Mounting in a non-Koa server (oidc-provider docs, "Mounting oidc-provider"): hand over the raw
  // Node request with the mount path stripped from `url`; oidc-provider finds its mount path from
  // `originalUrl`, as under Express. The forwarded headers are overwritten with PUBLIC_URL's,
  // never taken from the client, so every URL it builds agrees with the issuer.
  async function forward(request: FastifyRequest, reply: FastifyReply, innerUrl: string) {
    reply.hijack();
    const raw = request.raw as RawRequest;
    raw.originalUrl = `${publicPrefix}${issuerPath}${innerUrl}`;
    raw.url = innerUrl;
    raw.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
    raw.headers['x-forwarded-host'] = publicUrl.host;
    raw.headers['x-forwarded-for'] = request.ip;
    const res: ServerResponse = reply.raw;
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    // Provider-rendered pages (errors, sign-out, form_post) run no script of ours and are framed by
    // nobody (SPEC §7). oidc-provider appends the hash of its one inline script, form_post's
    // auto-submit, to script-src. No form-action: form_post posts to the client's redirect URI.
    res.setHeader(
      'content-security-policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    res.setHeader('x-frame-options', 'DENY');
    await providerRequests.around(() => callback(raw, res));
  }

  await app.register(async (scope) => {
    // oidc-provider reads request bodies itself: leave the stream untouched.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const discoveryAlias = `/.well-known/openid-configuration/w/${config.tenant}/${config.project}`;
    const inner = (request: FastifyRequest) => {
      if (request.routeOptions.url === discoveryAlias) return '/.well-known/openid-configuration';
      const rest = request.url.slice(issuerPath.length);
      return rest.startsWith('/') ? rest : `/${rest}`;
    };
    // The hand-over happens in onRequest, the first step of Fastify's lifecycle: the hijacked reply
    // ends it there, so Fastify neither runs its body parsing (an async resource per request)
    // nor the validation and pre-handler steps, none of which apply to a request it does not answer.
    scope.addHook('onRequest', (request, reply, done) => {
      forward(request, reply, inner(request)).catch((error: { name?: string; code?: string }) => {
        app.log.error({ error: { name: error.name, code: error.code } }, 'authorization server hand-over failed');
      });
      done();
    });
    const unreachable = async () => {
      throw new Error('oidc-provider routes are answered in onRequest');
    };
    scope.all(issuerPath, unreachable);
    scope.all(`${issuerPath}/*`, unreachable);
    // Haste Health's discovery location for a project, next to the standard {issuer}/.well-known one.
    scope.get(discoveryAlias, unreachable);
  });

  await app.register(async (scope) => {
    await scope.register(interactionRoutes, {
      provider,
      users: oidc.users,
      consents: oidc.consents,
      issuerPath,
      stylesheet: oidc.stylesheet,
      csrfKey: oidc.csrfKey,
    });
  });

  app.get(`${issuerPath}/assets/pages.css`, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PAGES_CSS),
  );

  // SMART App Launch 2.2 §"Conformance": public, so a client can discover how to get a token.
  const smart = smartConfiguration(provider, oidc.issuer);
  app.get(`${fhirBasePath(config)}/.well-known/smart-configuration`, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').send(smart),
  );
}
