import http from 'node:http';
import { generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import * as oauth from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFile } from '../app.ts';
import { createClientApplicationStore } from '../store/client-applications.ts';
import { openDatabase } from '../store/database.ts';
import { authorize, createBrowser } from '../../test-support/browser.ts';
import { discover, fhirGet, oauthError, putClientApplication } from '../../test-support/oauth.ts';
import { startTestServer, type TestServer } from '../../test-support/test-server.ts';

// The FHIR API requires tokens (issue 3 §5), while discovery stays public.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

async function serverSigned(claims: Record<string, unknown>, options: { expiresIn?: string | number; key?: 'server' | 'foreign' } = {}) {
  const row = server.app.db.prepare("SELECT material FROM oidc_key WHERE kind = 'signing'").get() as { material: string };
  const jwk = JSON.parse(row.material) as JWK;
  const key = options.key === 'foreign' ? (await generateKeyPair('RS256')).privateKey : await importJWK(jwk, 'RS256');
  return new SignJWT({ client_id: server.systemClient.id, scope: 'system/*.*', ...claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid })
    .setIssuer(server.issuer)
    .setAudience(typeof claims.aud === 'string' ? claims.aud : server.fhirBaseUrl)
    .setSubject(server.systemClient.id)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(key);
}

describe('discovery is public', () => {
  it('serves the OpenID configuration at the issuer and at the Haste Health path', async () => {
    const atIssuer = await fetch(`${server.issuer}/.well-known/openid-configuration`);
    const alias = await fetch(`${server.origin}/.well-known/openid-configuration/w/default/default`);
    expect(atIssuer.status).toBe(200);
    const metadata = (await atIssuer.json()) as Record<string, unknown>;
    expect(await alias.json()).toEqual(metadata);
    expect(metadata).toMatchObject({
      issuer: server.issuer,
      token_endpoint: `${server.issuer}/token`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
      authorization_response_iss_parameter_supported: true,
    });
    for (const endpoint of ['authorization', 'jwks_uri', 'userinfo', 'revocation', 'introspection', 'end_session']) {
      const key = endpoint === 'jwks_uri' ? endpoint : `${endpoint}_endpoint`;
      expect(String(metadata[key])).toMatch(new RegExp(`^${server.issuer}/`));
    }
  });

  it('serves the SMART configuration without a token', async () => {
    const response = await fetch(`${server.fhirBaseUrl}/.well-known/smart-configuration`);
    expect(response.status).toBe(200);
    const smart = (await response.json()) as Record<string, unknown>;
    expect(smart).toMatchObject({
      issuer: server.issuer,
      token_endpoint: `${server.issuer}/token`,
      authorization_endpoint: `${server.issuer}/auth`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(smart.capabilities).toEqual(expect.arrayContaining(['launch-standalone', 'client-public', 'client-confidential-symmetric']));
  });
});

describe('the FHIR API requires a valid token', () => {
  it('answers 401 with an RFC 6750 challenge and an OperationOutcome, /metadata included', async () => {
    for (const path of ['/metadata', '/ClientApplication', `/ClientApplication/${server.systemClient.id}`]) {
      const response = await fhirGet(server, path);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${server.fhirBaseUrl}"`);
      expect(((await response.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    }
    expect((await fhirGet(server, '/metadata', await server.bearer())).status).toBe(200);
  });

  it.each([
    ['garbage', async () => 'not-a-jwt'],
    ['an expired token', async () => serverSigned({}, { expiresIn: Math.floor(Date.now() / 1000) - 60 })],
    ['another audience', async () => serverSigned({ aud: 'https://elsewhere.example/fhir' })],
    ['a key that is not ours', async () => serverSigned({}, { key: 'foreign' })],
  ])('refuses %s with invalid_token', async (_label, token) => {
    const response = await fhirGet(server, '/metadata', `Bearer ${await token()}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('accepts a well-formed token signed with our key (the check above is not vacuous)', async () => {
    expect((await fhirGet(server, '/metadata', `Bearer ${await serverSigned({})}`)).status).toBe(200);
  });

  it('gives client tokens system/ permissions only', async () => {
    const secret = 'user-scoped-machine-secret-0123456789abcdef';
    await putClientApplication(server, { id: 'user-scoped', name: 'User-scoped machine', grantType: ['client_credentials'], secret, scope: 'user/*.*' });
    const { access_token: token } = await oauth.clientCredentialsGrant(await discover(server, 'user-scoped', { secret }));
    const response = await fhirGet(server, '/ClientApplication', `Bearer ${token}`);
    expect(response.status).toBe(403);
  });

  it('refuses user tokens of people who are not admins', async () => {
    const person = { email: 'person@example.com', password: 'person-password-123456' };
    await server.app.oidc.users.create(person.email, person.password, false);
    const config = await discover(server, 'admin-app');
    const verifier = oauth.randomPKCECodeVerifier();
    const url = oauth.buildAuthorizationUrl(config, {
      redirect_uri: `${server.origin}/callback`,
      scope: 'openid user/ClientApplication.cruds',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const result = await authorize(createBrowser(), url.href, person);
    if (result.kind !== 'redirect') throw new Error('expected a redirect');
    const tokens = await oauth.authorizationCodeGrant(config, result.location, { pkceCodeVerifier: verifier, expectedState: oauth.skipStateCheck });
    const response = await fhirGet(server, '/ClientApplication', `Bearer ${tokens.access_token}`);
    expect(response.status).toBe(403);
    expect(JSON.stringify(await response.json())).toContain('Only administrators');
  });
});

// A token is verified once and its principal reused (the API's hot path), so these check that a
// token already in use answers to the registration as it is now, on the very next request.
describe('a token already in use', () => {
  const secret = 'token-in-use-secret-0123456789abcdefghijkl';
  const register = (id: string, scope: string) =>
    putClientApplication(server, { id, name: `Token in use ${id}`, grantType: ['client_credentials'], secret, scope });
  const tokenOf = async (id: string) => (await oauth.clientCredentialsGrant(await discover(server, id, { secret }))).access_token;

  it('loses what its client no longer registers at once', async () => {
    await register('narrowed', 'system/ClientApplication.r system/ClientApplication.s');
    const token = await tokenOf('narrowed');
    expect((await fhirGet(server, '/ClientApplication/narrowed', `Bearer ${token}`)).status).toBe(200);
    expect((await fhirGet(server, '/ClientApplication', `Bearer ${token}`)).status).toBe(200);

    expect((await register('narrowed', 'system/ClientApplication.s')).status).toBe(200);
    expect((await fhirGet(server, '/ClientApplication/narrowed', `Bearer ${token}`)).status).toBe(403);
    expect((await fhirGet(server, '/ClientApplication', `Bearer ${token}`)).status).toBe(200);
  });

  it('stops working when another process on the same database deletes its client', async () => {
    await register('removed-elsewhere', 'system/ClientApplication.rs');
    const token = await tokenOf('removed-elsewhere');
    expect((await fhirGet(server, '/metadata', `Bearer ${token}`)).status).toBe(200);

    const elsewhere = openDatabase(databaseFile(server.config));
    const store = createClientApplicationStore(elsewhere);
    try {
      expect(store.remove('removed-elsewhere').kind).toBe('deleted');
    } finally {
      store.close();
      elsewhere.close();
    }
    const response = await fhirGet(server, '/metadata', `Bearer ${token}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    // The token endpoint, which knew the client from the tokens above, forgets it as well.
    expect((await oauthError(oauth.clientCredentialsGrant(await discover(server, 'removed-elsewhere', { secret })))).error).toBe('invalid_client');
  });

  it('is refused once it expires', async () => {
    const token = await serverSigned({}, { expiresIn: Math.floor(Date.now() / 1000) + 2 });
    expect((await fhirGet(server, '/metadata', `Bearer ${token}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const response = await fhirGet(server, '/metadata', `Bearer ${token}`);
    expect(response.status).toBe(401);
    expect(JSON.stringify(await response.json())).toContain('expired');
  });
});

// The API remembers the last token of each connection (its hot path): a client that changes its
// token on a keep-alive connection must be judged by the token it sends, request by request.
describe('one connection, several tokens', () => {
  it('answers every request by its own token', async () => {
    const secret = 'read-only-connection-secret-0123456789abcd';
    await putClientApplication(server, { id: 'read-only', name: 'Read only', grantType: ['client_credentials'], secret, scope: 'system/ClientApplication.r' });
    const readOnly = `Bearer ${(await oauth.clientCredentialsGrant(await discover(server, 'read-only', { secret }))).access_token}`;
    const full = await server.bearer();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string, authorization?: string) =>
      new Promise<{ status: number; isReused: boolean }>((resolve, reject) => {
        const request = http.get(`${server.fhirBaseUrl}${path}`, { agent, headers: authorization ? { authorization } : {} }, (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0, isReused: request.reusedSocket }));
        });
        request.on('error', reject);
      });
    try {
      const answers = [
        await get('/ClientApplication', full),
        await get('/ClientApplication', full),
        await get('/ClientApplication', readOnly),
        await get('/ClientApplication/read-only', readOnly),
        await get('/ClientApplication', full),
        await get('/ClientApplication'),
        await get('/ClientApplication', readOnly),
      ];
      expect(answers.map((a) => a.status)).toEqual([200, 200, 403, 200, 200, 401, 403]);
      // All on the one connection, or this would not test what it says.
      expect(answers.slice(1).every((a) => a.isReused)).toBe(true);
    } finally {
      agent.destroy();
    }
  });
});
