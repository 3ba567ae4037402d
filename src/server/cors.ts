import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { issue, operationOutcome } from '../model/operation-outcome.ts';
import { FHIR_JSON } from './fhir/routes.ts';
import type { ClientApplicationStore } from './store/client-applications.ts';

// CORS (https://fetch.spec.whatwg.org/#http-cors-protocol) for the FHIR API and the token
// endpoints: a browser app may read their responses only from an origin someone registered, that
// is the origin of a redirect URI of a current client, or the console's own origin. `null` (sandboxed
// frames, file: and data: pages, private-use schemes) never qualifies.

export type CorsPolicy = { isAllowed(origin: string | undefined): origin is string };

export function createCorsPolicy(options: { store: ClientApplicationStore; consoleOrigin: string }): CorsPolicy {
  const { store, consoleOrigin } = options;
  return {
    isAllowed(origin): origin is string {
      if (origin === undefined || origin === 'null') return false;
      // One indexed lookup (the store keeps each client's redirect origins on every write), so a
      // deleted client's origin is out on the next request and no write pays for a rebuild.
      return origin === consoleOrigin || store.isRedirectOrigin(origin);
    },
  };
}

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'authorization, content-type, accept, if-match, if-none-match, prefer';
const EXPOSED_HEADERS = 'etag, location, last-modified, content-location, www-authenticate, retry-after';

/**
 * CORS for the FHIR API under `basePath`: preflights answered here (before authentication, which a
 * preflight never carries), and `Access-Control-Allow-Origin` on every response, errors included,
 * for allowed origins only. The SMART configuration is public metadata, readable from anywhere.
 */
export function fhirCors(app: FastifyInstance, options: { policy: CorsPolicy; basePath: string }): void {
  const { policy, basePath } = options;
  const isFhir = (url: string) => url === basePath || url.startsWith(`${basePath}/`) || url.startsWith(`${basePath}?`);
  const smartConfiguration = `${basePath}/.well-known/smart-configuration`;
  // Its path, with or without a query (no array per response, as split would make).
  const isPublic = (url: string) => url === smartConfiguration || url.startsWith(`${smartConfiguration}?`);

  const preflight = async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    reply.header('vary', 'origin');
    if (!request.headers['access-control-request-method']) return reply.code(204).header('allow', ALLOWED_METHODS).send();
    if (!policy.isAllowed(origin) && !isPublic(request.url)) {
      return reply
        .code(403)
        .type(FHIR_JSON)
        .send(operationOutcome([issue('forbidden', 'This origin may not call the FHIR API: register a redirect URI on it first.')]));
    }
    return reply
      .code(204)
      .header('access-control-allow-origin', isPublic(request.url) ? '*' : origin)
      .header('access-control-allow-methods', ALLOWED_METHODS)
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', '600')
      .send();
  };
  app.options(basePath, preflight);
  app.options(`${basePath}/*`, preflight);

  // Synchronous (done callback), like every per-response hook: an async hook costs a promise on
  // every request, API reads included.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.method !== 'OPTIONS' && isFhir(request.url)) {
      reply.header('vary', 'origin');
      const origin = request.headers.origin;
      if (isPublic(request.url)) reply.header('access-control-allow-origin', '*');
      else if (policy.isAllowed(origin)) {
        reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', EXPOSED_HEADERS);
      }
    }
    done(null, payload);
  });
}
