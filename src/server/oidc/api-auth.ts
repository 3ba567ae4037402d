import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type Provider from 'oidc-provider';
import { issue } from '../../model/operation-outcome.ts';
import { isScopeWithin, parseScopeString, type Scope } from '../../model/scopes.ts';
import { FhirHttpError } from '../fhir/fhir-http-error.ts';
import type { FhirInteraction } from '../fhir/routes.ts';
import type { ClientApplicationStore } from '../store/client-applications.ts';
import { ADMIN_APP_CLIENT_ID, ADMIN_APP_SCOPE } from './client-metadata.ts';
import type { ProviderKeys } from './keys.ts';
import { GRANT_CLAIM, INCARNATION_CLAIM } from './provider.ts';
import type { SecretVerifier } from './secret-verifier.ts';
import type { UserStore } from './users.ts';

// Who is calling the FHIR API, and may they do this? Every request carries a bearer token
// (RFC 6750) issued by our provider, or, for clients with Haste Health's `basic_auth` grant, its
// client id and secret (RFC 7617). Each check reads current state, so a deleted client, a revoked
// grant or a demoted user loses access on the next request, whatever the token's expiry.

export type Principal = {
  kind: 'client' | 'user';
  clientId: string;
  /** The token's scopes that the client's registration still covers. */
  scopes: Scope[];
  /** Who acts, as a URI for `meta.source`: `mailto:` the admin, or the client's URN. */
  actor: string;
};

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the FHIR scope's authentication hook. */
    principal?: Principal;
  }
}

const clientActor = (clientId: string) => `urn:client-admin:client:${clientId}`;

/** SPEC §3: the SMART permission each FHIR interaction needs; capabilities only a valid token. */
const PERMISSION: Record<FhirInteraction, { letter: string; verb: string } | undefined> = {
  capabilities: undefined,
  create: { letter: 'c', verb: 'create' },
  read: { letter: 'r', verb: 'read' },
  vread: { letter: 'r', verb: 'read' },
  update: { letter: 'u', verb: 'update' },
  patch: { letter: 'u', verb: 'update' },
  delete: { letter: 'd', verb: 'delete' },
  search: { letter: 's', verb: 'search' },
  history: { letter: 's', verb: 'search the history of' },
};

/** Access tokens whose signature and claims were checked, kept so repeated calls skip the RSA work. */
export const MAX_VERIFIED_TOKENS = 1_000;

type VerifiedToken = {
  payload: JWTPayload & { exp: number };
  /** A client_credentials token's principal, and the store generation it was derived from. */
  client?: { generation: number; principal: Principal };
};

/** A verified token's signature holds for good; its expiry is checked on every use. */
const isUnexpired = (entry: VerifiedToken) => entry.payload.exp * 1000 > Date.now();

export type ApiAuthOptions = {
  issuer: string;
  fhirBaseUrl: string;
  keys: ProviderKeys;
  provider: Provider;
  store: ClientApplicationStore;
  users: UserStore;
  secretVerifier: SecretVerifier;
};

export function createApiAuth(options: ApiAuthOptions) {
  const { issuer, fhirBaseUrl, provider, store, users, secretVerifier } = options;
  const jwks = createLocalJWKSet(options.keys.publicJwks);

  /** RFC 6750 §3: the challenge, with an error code only when a token was presented. */
  const challenge = (error?: { code: string; description: string; scope?: string }) =>
    [
      `Bearer realm="${fhirBaseUrl}"`,
      ...(error
        ? [`error="${error.code}"`, `error_description="${error.description.replace(/["\\]/g, "'")}"`]
        : []),
      ...(error?.scope ? [`scope="${error.scope}"`] : []),
    ].join(', ');

  const unauthorized = (description: string, hasToken = true) =>
    new FhirHttpError(401, [issue('login', description)], {
      'www-authenticate': challenge(hasToken ? { code: 'invalid_token', description } : undefined),
    });

  /** The registered scope of a client that still exists and may still use `grant`, else undefined. */
  function registeredScope(clientId: string, grant: 'client_credentials' | 'authorization_code' | 'basic_auth') {
    if (clientId === ADMIN_APP_CLIENT_ID) return grant === 'authorization_code' ? ADMIN_APP_SCOPE : undefined;
    const resource = store.read(clientId)?.resource;
    if (!resource?.grantType.includes(grant)) return undefined;
    return resource.scope ?? '';
  }

  function withinRegistration(tokenScope: string, registered: string): Scope[] {
    const allowed = parseScopeString(registered).scopes;
    return parseScopeString(tokenScope).scopes.filter((s) => isScopeWithin(s, allowed));
  }

  // The signature and claims of a token never change, so a token is verified once; only its
  // expiry is checked again on each use. Keyed by the whole token: a forged or altered token is
  // another key and goes through jwtVerify. Oldest first out.
  const verified = new Map<string, VerifiedToken>();

  async function verifyToken(token: string): Promise<VerifiedToken> {
    const known = verified.get(token);
    if (known) {
      if (isUnexpired(known)) return known;
      verified.delete(token);
      throw unauthorized('The access token has expired.');
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: fhirBaseUrl,
        typ: 'at+jwt',
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'client_id', 'sub'],
      }));
    } catch (error) {
      throw unauthorized(
        error instanceof joseErrors.JWTExpired ? 'The access token has expired.' : 'The access token is not valid for this server.',
      );
    }
    const entry: VerifiedToken = { payload: payload as VerifiedToken['payload'] };
    if (verified.size >= MAX_VERIFIED_TOKENS) verified.delete(verified.keys().next().value as string);
    verified.set(token, entry);
    return entry;
  }

  /** A client_credentials token's principal, while nothing in the store has changed since it was derived. */
  function reusablePrincipal(entry: VerifiedToken | undefined): Principal | undefined {
    return entry?.client?.generation === store.generation() ? entry.client.principal : undefined;
  }

  async function fromBearer(token: string): Promise<Principal> {
    const entry = await verifyToken(token);
    const { payload } = entry;
    const clientId = String(payload.client_id);
    const tokenScope = typeof payload.scope === 'string' ? payload.scope : '';
    const grantId = payload[GRANT_CLAIM];

    if (typeof grantId !== 'string') {
      // What a client may do depends only on the store: reuse the principal until anything in the
      // store is written (a deletion, a scope or grant-type change takes effect on the next call).
      const reusable = reusablePrincipal(entry);
      if (reusable) return reusable;
      const generation = store.generation();
      const registered = registeredScope(clientId, 'client_credentials');
      // A client deleted and created again under the same id is a new client: tokens of the old
      // one (until their expiry, at most 300 s) must not come back to life.
      const incarnation = typeof payload[INCARNATION_CLAIM] === 'number' ? payload[INCARNATION_CLAIM] : 1;
      if (registered === undefined || incarnation !== store.incarnation(clientId)) {
        throw unauthorized('The client of this access token has been revoked.');
      }
      const principal: Principal = { kind: 'client', clientId, scopes: withinRegistration(tokenScope, registered), actor: clientActor(clientId) };
      entry.client = { generation, principal };
      return principal;
    }

    const registered = registeredScope(clientId, 'authorization_code');
    if (registered === undefined) throw unauthorized('The client of this access token has been revoked.');
    const grant = await provider.Grant.find(grantId);
    if (!grant || grant.clientId !== clientId || grant.accountId !== payload.sub) {
      throw unauthorized('The access token has been revoked.');
    }
    const user = users.findById(String(payload.sub));
    if (!user) throw unauthorized('The user of this access token no longer exists.');
    if (!user.isAdmin) {
      throw new FhirHttpError(403, [issue('forbidden', 'Only administrators may manage client applications.')]);
    }
    return { kind: 'user', clientId, scopes: withinRegistration(tokenScope, registered), actor: `mailto:${user.email}` };
  }

  /** Haste Health's basic_auth grant: the client's own credentials stand in for a client_credentials token. */
  async function fromBasic(credentials: string): Promise<Principal> {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const fail = () =>
      new FhirHttpError(401, [issue('login', 'The client id or secret is wrong, or the client may not use Basic authentication.')], {
        'www-authenticate': `Basic realm="${fhirBaseUrl}", ${challenge()}`,
      });
    if (colon < 1) throw fail();
    const clientId = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    const current = store.read(clientId);
    const registered = registeredScope(clientId, 'basic_auth');
    if (registered === undefined || !current?.secretHash) throw fail();
    const result = await secretVerifier.verify(clientId, secret, current.secretHash);
    if (result === 'rate-limited') {
      const seconds = Math.max(1, Math.ceil(secretVerifier.retryAfterMs(clientId) / 1000));
      throw new FhirHttpError(429, [issue('throttled', `Too many failed attempts for this client: try again in ${seconds} s.`)], {
        'retry-after': String(seconds),
      });
    }
    if (result !== 'valid') throw fail();
    return { kind: 'client', clientId, scopes: parseScopeString(registered).scopes, actor: clientActor(clientId) };
  }

  function parseAuthorization(authorization: string | undefined): { scheme: 'bearer' | 'basic'; value: string } {
    if (!authorization) {
      throw new FhirHttpError(401, [issue('login', 'This API needs an access token: send Authorization: Bearer <token>.')], {
        'www-authenticate': challenge(),
      });
    }
    const [scheme, value, ...rest] = authorization.trim().split(/\s+/);
    const lowerScheme = scheme?.toLowerCase();
    if (value && rest.length === 0 && (lowerScheme === 'bearer' || lowerScheme === 'basic')) return { scheme: lowerScheme, value };
    throw new FhirHttpError(400, [issue('login', 'The Authorization header must be "Bearer <token>".')], {
      'www-authenticate': challenge({ code: 'invalid_request', description: 'The Authorization header is malformed.' }),
    });
  }

  async function authenticate(authorization: string | undefined): Promise<Principal> {
    const { scheme, value } = parseAuthorization(authorization);
    return scheme === 'bearer' ? fromBearer(value) : fromBasic(value);
  }

  // Each connection's last Authorization header that knownClientPrincipal answered, with the entry
  // of its token. A client sends the same header on every request of a keep-alive connection;
  // comparing it with the last one costs less than looking the token up in `verified`, which has
  // V8 hash the ~800 characters of each request's new string (2.2 % of a read in `perf`; reads
  // +3.7 % in an A/B of three servers a side, docs/performance.md). Gone with the connection.
  const lastOnConnection = new WeakMap<object, { authorization: string; entry: VerifiedToken }>();

  /**
   * The principal of a client_credentials token already verified, while nothing in the store has
   * changed since: what most API calls are, answered without a promise or a signature check.
   */
  function knownClientPrincipal(authorization: string | undefined, connection: object): Principal | undefined {
    // Only an exact "Bearer <token>" of a token verified before can hit; anything else (other
    // spacing, Basic, a malformed header) misses here and is parsed and checked in full.
    if (!authorization?.startsWith('Bearer ')) return undefined;
    const last = lastOnConnection.get(connection);
    const isLast = last?.authorization === authorization;
    const entry = isLast ? last.entry : verified.get(authorization.slice(7));
    const principal = entry && isUnexpired(entry) ? reusablePrincipal(entry) : undefined;
    if (!principal) {
      // The full check runs next, and the entry it leaves is the one in `verified`.
      if (isLast) lastOnConnection.delete(connection);
    } else if (entry && !isLast) lastOnConnection.set(connection, { authorization, entry });
    return principal;
  }

  function authorize(principal: Principal, interaction: FhirInteraction | undefined): void {
    const permission = interaction === undefined ? { letter: 'cruds', verb: 'use' } : PERMISSION[interaction];
    if (!permission) return;
    const context = principal.kind === 'user' ? 'user' : 'system';
    const needed: Scope = { kind: 'clinical', context, resourceType: 'ClientApplication', permissions: permission.letter, version: 2 };
    if (isScopeWithin(needed, principal.scopes)) return;
    const scope = `${context}/ClientApplication.${permission.letter}`;
    throw new FhirHttpError(
      403,
      [
        issue(
          'forbidden',
          `This access token may not ${permission.verb} ClientApplication resources: it needs the scope ${scope} (or one covering it, such as ${context}/ClientApplication.cruds or ${context}/*.cruds).`,
        ),
      ],
      { 'www-authenticate': challenge({ code: 'insufficient_scope', description: `requires ${scope}`, scope }) },
    );
  }

  /** The one hook of the FHIR scope: authenticate, then check the route's interaction. */
  function onRequest(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const admit = (principal: Principal) => {
      authorize(principal, request.routeOptions.config.fhirInteraction);
      request.principal = principal;
    };
    let known;
    try {
      known = knownClientPrincipal(request.headers.authorization, request.raw.socket);
      if (known) admit(known);
    } catch (error) {
      return done(error as Error);
    }
    if (known) return done();
    authenticate(request.headers.authorization).then((principal) => {
      try {
        admit(principal);
      } catch (error) {
        return done(error as Error);
      }
      done();
    }, done);
  }

  return { authenticate, authorize, onRequest };
}

export type ApiAuth = ReturnType<typeof createApiAuth>;
