import http from 'node:http';
import Provider from 'oidc-provider';
import { generateRsaPrivateJwk } from '../../src/server/oidc/keys.ts';
import { memory, serveCommands } from '../lib/child.ts';

// The baseline for the token endpoint: oidc-provider 9 as its README mounts it (its own Koa app
// on a plain node:http server), with one in-memory client and the default in-memory adapter.
// It issues the same token our server does for client_credentials — an RS256 JWT access token
// (RFC 9068) for one resource (RFC 8707), signed with a 2048-bit RSA key — so the ratio measures
// what our integration adds (Fastify mount, SQLite-backed client lookup, slow secret hash with
// its verification cache, SMART scope policy), not a different token format.

const port = Number(process.argv[2] ?? 0);
const CLIENT_ID = 'raw-client';
const CLIENT_SECRET = 'raw-client-secret-0123456789abcdefghijklmnopqrstuvwxyz';

const jwk = { ...generateRsaPrivateJwk(), alg: 'RS256', use: 'sig', kid: 'raw' };

const server = http.createServer();
await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const resource = `${origin}/fhir`;

const provider = new Provider(origin, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
  ],
  jwks: { keys: [jwk as never] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'system/*.*', audience: resource, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
    },
  },
});
server.on('request', provider.callback());

export type RawOidcReady = { tokenEndpoint: string; client: { id: string; secret: string } };

process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
serveCommands<RawOidcReady>(
  { tokenEndpoint: `${origin}/token`, client: { id: CLIENT_ID, secret: CLIENT_SECRET } },
  { memory: () => memory() },
);
