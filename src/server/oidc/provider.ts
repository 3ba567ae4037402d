import Provider, { errors, type Client, type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { OIDC_SCOPES } from '../../model/scopes.ts';
import { fhirBaseUrl, oidcIssuer, type Config } from '../config.ts';
import type { CorsPolicy } from '../cors.ts';
import type { ClientApplicationStore } from '../store/client-applications.ts';
import type { Db } from '../store/database.ts';
import { logoutPage, messagePage } from '../views/pages.ts';
import { createSqliteAdapter } from './adapter.ts';
import { ADMIN_APP_CLIENT_ID, adminAppMetadata, REGISTERED_SCOPE, toClientMetadata } from './client-metadata.ts';
import type { ProviderKeys } from './keys.ts';
import { requestedResourceScopes } from './scope-policy.ts';
import type { SecretVerifier } from './secret-verifier.ts';
import type { ConsentStore, UserStore } from './users.ts';

// Every oidc-provider option in one place (STYLE.md). The provider is configured, never patched:
// the only prototype touched is the documented `Client.prototype.compareClientSecret` seam.

/** Seconds. RFC 9700 §2.2.2 / §4.14: short-lived access tokens, refresh tokens for long sessions. */
export const TTL = {
  clientCredentials: 300,
  accessToken: 600,
  authorizationCode: 60,
  idToken: 3600,
  interaction: 3600,
  refreshToken: 14 * 24 * 3600,
  session: 14 * 24 * 3600,
  grant: 14 * 24 * 3600,
} as const;

/** oidc-provider's endpoints (below the issuer) that take client credentials or tokens. */
const CREDENTIAL_PATHS = new Set(['/token', '/token/revocation', '/token/introspection', '/me']);

const CLIENT_CACHE_SIZE = 10_000;

/** Private claim of client_credentials tokens: which life of the client id they were issued to. */
export const INCARNATION_CLAIM = 'client_incarnation';

/** Private claim carrying the grant of a user's access token, so the FHIR API can tell a revoked grant. */
export const GRANT_CLAIM = 'grant_id';

export type ProviderOptions = {
  config: Config;
  db: Db;
  store: ClientApplicationStore;
  users: UserStore;
  consents: ConsentStore;
  keys: ProviderKeys;
  secretVerifier: SecretVerifier;
  /** Which browser origins may read token-endpoint responses (cors.ts). */
  cors: CorsPolicy;
  /** Path of the page stylesheet, for provider-rendered pages. */
  stylesheet: string;
};

/** Koa's references from a request's context to the request itself (see the middleware below). */
const REQUEST_REFERENCES = ['req', 'res', 'request', 'response', 'state'] as const;

function releaseContext(ctx: object): void {
  const context = ctx as Record<(typeof REQUEST_REFERENCES)[number], unknown>;
  for (const name of REQUEST_REFERENCES) context[name] = undefined;
}

function describeError(error: string): { title: string; message: string } {
  switch (error) {
    case 'invalid_redirect_uri':
      return {
        title: 'This sign-in link is not valid',
        message:
          'The application asked to send you to an address that is not registered for it, so you were not sent anywhere. Tell the application’s administrator.',
      };
    case 'invalid_client':
      return { title: 'Unknown application', message: 'This application is not registered here, or it has been revoked.' };
    case 'invalid_request':
      return { title: 'This sign-in request is not valid', message: 'The application sent an incomplete or malformed request.' };
    default:
      return { title: 'Something went wrong', message: 'The sign-in could not be completed. Go back to the application and try again.' };
  }
}

/**
 * Too many failed authentications for one client (RFC 6585 §4: 429 with Retry-After). The body
 * stays an RFC 6749 §5.2 error, `invalid_client`, so OAuth clients read it as any other refusal.
 */
class TooManyFailedAttempts extends errors.OIDCProviderError {
  constructor() {
    super(429, 'invalid_client');
    this.error_description = 'too many failed authentication attempts for this client: try again later';
  }
}

export function createProvider(options: ProviderOptions) {
  const { config, db, store, users, consents, keys, secretVerifier, cors, stylesheet } = options;
  const issuer = oidcIssuer(config);
  const resource = fhirBaseUrl(config);
  const issuerPath = new URL(issuer).pathname;

  // Client metadata is derived from the stored resource on every token request; keep the result
  // per client while nothing has been written to the store (its generation moves with our own
  // writes at commit, and with another process's commits on the same file), so no request sees
  // stale metadata. Bounded, and misses are not cached.
  const clientCache = new Map<string, ClientMetadata>();
  // The same holds for a client's incarnation (INCARNATION_CLAIM), which only a deletion or a
  // re-creation of the id changes: both are store writes. Reading it is a query of the history
  // table, otherwise run for every client_credentials token.
  const incarnations = new Map<string, number>();
  let cachedGeneration = store.generation();
  const current = () => {
    const generation = store.generation();
    if (generation !== cachedGeneration) {
      clientCache.clear();
      incarnations.clear();
      cachedGeneration = generation;
    }
  };
  const remember = <T>(cache: Map<string, T>, id: string, value: T) => {
    if (cache.size >= CLIENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(id, value);
  };
  const findClient = (id: string): ClientMetadata | undefined => {
    current();
    const cached = clientCache.get(id);
    if (cached) return cached;
    const metadata = toClientMetadata(store.read(id));
    if (metadata) remember(clientCache, id, metadata);
    return metadata;
  };
  const incarnationOf = (id: string): number => {
    current();
    let incarnation = incarnations.get(id);
    if (incarnation === undefined) {
      incarnation = store.incarnation(id);
      remember(incarnations, id, incarnation);
    }
    return incarnation;
  };
  const adapter = createSqliteAdapter({ db, findClient });

  const html = (ctx: KoaContextWithOIDC, body: string) => {
    ctx.type = 'html';
    ctx.body = body;
  };

  const configuration: Configuration = {
    adapter: adapter.Adapter,
    // Nothing is listed statically except the console's own client (STYLE.md).
    clients: [adminAppMetadata(config.publicUrl)],
    extraClientMetadata: { properties: [REGISTERED_SCOPE] },
    async findAccount(_ctx, sub) {
      const user = users.findById(sub);
      if (!user) return undefined;
      return {
        accountId: user.id,
        claims: () => ({ sub: user.id, email: user.email, email_verified: false, name: user.email }),
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: [...OIDC_SCOPES],
    // The console reads who signed in from the ID token, without a userinfo call.
    conformIdTokenClaims: false,
    cookies: { keys: keys.cookie },
    jwks: { keys: keys.signing as NonNullable<Configuration['jwks']>['keys'] },
    responseTypes: ['code'],
    // RFC 9700 §2.1.1: PKCE for every client, confidential ones included; oidc-provider only
    // implements S256, so `plain` is refused with invalid_request.
    pkce: { required: () => true },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    // OAuth 2.1: redirect_uri is always sent and compared exactly (RFC 9700 §4.1.3).
    allowOmittingSingleRegisteredRedirectUri: false,
    // client_secret holds a hash (client-metadata.ts): no HMAC algorithm may key on it.
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256'],
      userinfoSigningAlgValues: ['RS256'],
      introspectionSigningAlgValues: ['RS256'],
      authorizationSigningAlgValues: ['RS256'],
      requestObjectSigningAlgValues: ['RS256', 'PS256', 'ES256'],
      clientAuthSigningAlgValues: ['RS256', 'PS256', 'ES256'],
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // A client may introspect and revoke only its own tokens (RFC 7662 §4, RFC 7009 §2.1): the
      // FHIR API verifies tokens itself, so no client acts as a resource server here.
      introspection: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: true },
      registration: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => html(ctx, logoutPage({ stylesheet, form, host: ctx.host })),
        postLogoutSuccessSource: (ctx) =>
          html(ctx, messagePage({ stylesheet, title: 'Signed out', message: 'You have been signed out.' })),
      },
      // RFC 8707: every access token is for the FHIR API, a JWT (RFC 9068) whose aud is its base URL.
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo(ctx, indicator, client) {
          if (indicator !== resource) throw new errors.InvalidTarget(`the only resource served here is ${resource}`);
          const scope = requestedResourceScopes(ctx, client).join(' ');
          return {
            scope,
            audience: resource,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    // Frozen on purpose: oidc-provider builds the JWT payload as `{ ...extra, jti, sub, … }`, and on
    // Node 20's V8 spreading an ordinary object there puts the properties that follow on a slow
    // path (20-35 µs per payload in a micro-benchmark of that expression, 3 µs with a frozen `extra`).
    extraTokenClaims(_ctx, token) {
      if (token.kind === 'ClientCredentials' && typeof token.clientId === 'string') {
        return Object.freeze({ [INCARNATION_CLAIM]: incarnationOf(token.clientId) });
      }
      return token.kind === 'AccessToken' && 'grantId' in token && typeof token.grantId === 'string'
        ? Object.freeze({ [GRANT_CLAIM]: token.grantId })
        : undefined;
    },
    ttl: {
      AccessToken: TTL.accessToken,
      ClientCredentials: TTL.clientCredentials,
      AuthorizationCode: TTL.authorizationCode,
      IdToken: TTL.idToken,
      Interaction: TTL.interaction,
      RefreshToken: TTL.refreshToken,
      Session: TTL.session,
      Grant: TTL.grant,
    },
    // Defaults kept on purpose: refresh tokens rotated on every use for public clients, and reuse
    // of a rotated one revokes the whole grant (RFC 9700 §4.14.2).
    //
    // Refresh tokens come with offline_access (and the refresh_token grant), which an OP grants
    // only with prompt=consent (OpenID Connect Core §11), so a silent sign-in (prompt=none) of the
    // console never gets one. The console still renews with a refresh token (issue 4 §2): for its
    // own client a code without offline_access yields one bound to the OP session
    // (expiresWithSession, the default for such a code), so it dies with the session and grants
    // no access beyond it — SMART's `online_access`, not offline access.
    issueRefreshToken(_ctx, client, code) {
      if (!client.grantTypeAllowed('refresh_token')) return false;
      if (code.scopes.has('offline_access')) return true;
      return client.clientId === ADMIN_APP_CLIENT_ID && code.kind === 'AuthorizationCode' && code.expiresWithSession === true;
    },
    async loadExistingGrant(ctx) {
      const { client, session } = ctx.oidc;
      const accountId = session?.accountId;
      if (!client || !session || !accountId) return undefined;
      const grantId =
        ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId) ?? consents.grantIdFor(accountId, client.clientId);
      let grant = grantId ? await provider.Grant.find(grantId) : undefined;
      if (grant && (grant.accountId !== accountId || grant.clientId !== client.clientId)) grant = undefined;
      if (client.clientId === ADMIN_APP_CLIENT_ID) {
        // First-party and pre-approved (SPEC §7): its grant always covers what it asks for,
        // which oidc-provider has already checked against its registered scope.
        grant ??= new provider.Grant({ accountId, clientId: client.clientId });
        const before = `${grant.getOIDCScope()}|${grant.getResourceScope(resource)}`;
        grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
        const resourceServer = ctx.oidc.resourceServers?.[resource];
        if (resourceServer?.scope) grant.addResourceScope(resource, resourceServer.scope);
        // Every console sign-in (a page load signs in silently) passes here: write the grant only
        // when it is new or gains scopes, which spares a synchronous commit per page load.
        if (!grant.jti || `${grant.getOIDCScope()}|${grant.getResourceScope(resource)}` !== before) await grant.save();
      }
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `${issuerPath}/interaction/${interaction.uid}` },
    renderError(ctx, out) {
      const { title, message } = describeError(out.error);
      html(ctx, messagePage({ stylesheet, title, message, details: `${out.error}: ${out.error_description ?? ''}` }));
    },
    // Browser apps may call the token endpoint from the origins of their own registered redirect
    // URIs. Never from `null`: a private-use redirect URI has that origin, and so has any sandboxed
    // frame or data: page.
    clientBasedCORS(_ctx, origin, client) {
      return origin !== 'null' && (client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false);
    },
  };

  const provider = new Provider(issuer, configuration);

  // oidc-provider answers every CORS preflight, and every error raised before the client is known,
  // with whatever Origin came in. Where credentials and tokens are exchanged, only registered
  // origins (cors.ts) may read a response: the headers go for any other (a documented pre/post
  // middleware, not a patch).
  provider.use(async (ctx, next) => {
    await next();
    const origin = ctx.get('origin');
    if (origin && CREDENTIAL_PATHS.has(ctx.path) && !cors.isAllowed(origin)) {
      for (const name of Object.keys(ctx.response.headers)) if (name.startsWith('access-control-')) ctx.remove(name);
    }
  });
  // oidc-provider gives each request's Koa context its own `ctx.oidc` getter, a closure over the
  // context. V8 allocates a getter's accessor pair in the old generation (Factory::NewAccessorPair),
  // which young collections do not free, so the closure and all the context reaches (the request
  // and response objects, their headers, the body, the token) outlive every young collection until
  // the next full one. A token request left ~8 kB so: young collections copied it twice, and full
  // collections came about once a second under token load. Once the response is sent, the context
  // lets go of the request and the response (Koa's own properties), and the getter keeps only the
  // context's shell and oidc-provider's per-request state. Koa's `on-finished` listener, the last
  // reader of them, was added before this one and has run.
  provider.use((ctx, next) => {
    ctx.res.once('finish', () => releaseContext(ctx));
    return next();
  });
  // oidc-provider finds a stored client's model by hashing the JSON of its metadata, on every
  // request that names the client (Client.find: JSON.stringify and SHA-256, ~3 µs of a token).
  // While a client is unchanged, `findClient` hands out the same metadata object, so the model
  // built from that object is kept with it; a write to the store makes new objects, and the model
  // is found as oidc-provider finds it. The console's own client is static: oidc-provider's map.
  // Should the store change while a model is built, the object it is kept under is one
  // `findClient` never hands out again, so the entry cannot be hit.
  const models = new WeakMap<ClientMetadata, Client>();
  const findModel = provider.Client.find.bind(provider.Client);
  provider.Client.find = async (id: string) => {
    const metadata = id === ADMIN_APP_CLIENT_ID ? undefined : findClient(id);
    const kept = metadata && models.get(metadata);
    if (kept) return kept;
    const model = await findModel(id);
    if (model && metadata) models.set(metadata, model);
    return model;
  };

  // Koa derives endpoint URLs from the request; the mount (oidc-server.ts) overwrites the
  // X-Forwarded-* headers with PUBLIC_URL's, so they always agree with the issuer.
  provider.proxy = true;

  // The documented seam for client secrets stored as hashes: verify against the stored slow
  // hash (secret-hash.ts) in constant time, with the cache and per-client rate limit of secret-verifier.ts.
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(this: { clientId: string; clientSecret?: string }, actual: string) {
    if (!this.clientSecret || typeof actual !== 'string') return false;
    const result = await secretVerifier.verify(this.clientId, actual, this.clientSecret);
    if (result === 'rate-limited') {
      // The request's Koa context (oidc-provider keeps it in AsyncLocalStorage); the error handler keeps headers.
      Provider.ctx?.set('retry-after', String(Math.max(1, Math.ceil(secretVerifier.retryAfterMs(this.clientId) / 1000))));
      throw new TooManyFailedAttempts();
    }
    return result === 'valid';
  };

  return { provider, adapter, issuer, resource, issuerPath };
}

export type OidcProvider = ReturnType<typeof createProvider>;
