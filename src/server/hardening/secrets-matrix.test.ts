import * as crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as oauth from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authorize, createBrowser } from '../../test-support/browser.ts';
import { discover, fhirGet, putClientApplication } from '../../test-support/oauth.ts';
import { countTests } from '../../test-support/figures.ts';
import { startTestServer, type TestServer } from '../../test-support/test-server.ts';
import { loggerOptions } from '../logger.ts';
import { hashSecret, verifySecret } from '../oidc/secret-hash.ts';

// Issue 7 §4, the secret half of the security matrix: long secrets are compared whole (no bcrypt
// 72-byte truncation), comparisons are constant-time, credentials reach neither the log nor the
// database file in the clear (whatever a client sends, and wherever), and failed client
// authentication is rate-limited with 429 + Retry-After. secrets.test.ts already proves "never
// returned" and the FHIR-side log and database checks.

// Every timingSafeEqual call is recorded; the real one still answers.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const LONG_SECRET = `${'L'.repeat(72)}-and-then-27-more-characters`;
const MACHINE = { id: 'sm-machine', secret: 'sm-machine-secret-0123456789-abcdefghijklmnop' };
const LIMITED = { id: 'sm-limited', secret: 'sm-limited-secret-0123456789-abcdefghijklmnop' };
const WRONG = 'sm-wrong-secret-that-must-never-be-stored-or-logged';
const logLines: string[] = [];
let server: TestServer;

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function token(authorization: string, extra = '') {
  const response = await fetch(server.tokenEndpoint, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials${extra}`,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, string> };
}

beforeAll(async () => {
  server = await startTestServer({}, { logger: loggerOptions('trace', { write: (line) => void logLines.push(line) }) });
  for (const client of [
    { id: 'sm-long', secret: LONG_SECRET },
    MACHINE,
    LIMITED,
  ]) {
    await putClientApplication(server, { ...client, name: client.id, grantType: ['client_credentials', 'basic_auth'], scope: 'system/ClientApplication.rs' });
  }
});
// Vitest passes the finished file as the second argument; the first must be a (here empty) fixture pattern.
// eslint-disable-next-line no-empty-pattern
afterAll(({}, suite) => {
  const { passed, total } = countTests(suite);
  console.log(`[matrix] secrets: whole-length compare, constant time, 429 + Retry-After on failed client auth, nothing in logs or the database file: ${passed}/${total} checks pass`);
});
afterAll(async () => server?.close());

describe('long secrets are compared whole', () => {
  it('a 100-character secret works; its 72-character prefix, or the same prefix with another tail, does not', async () => {
    expect(LONG_SECRET.length).toBe(100);
    expect((await token(basic('sm-long', LONG_SECRET))).status).toBe(200);
    for (const candidate of [LONG_SECRET.slice(0, 72), LONG_SECRET.slice(0, 73), `${LONG_SECRET.slice(0, 72)}-and-then-27-more-characterZ`]) {
      const refused = await token(basic('sm-long', candidate));
      expect(refused.status, `${candidate.length} characters`).toBe(401);
      expect(refused.body.error).toBe('invalid_client');
      expect((await fhirGet(server, '/metadata', basic('sm-long', candidate))).status).toBe(401);
    }
    expect((await fhirGet(server, '/metadata', basic('sm-long', LONG_SECRET))).status).toBe(200);
  });

  it('the same holds for passwords', async () => {
    const password = `${'p'.repeat(72)}${'q'.repeat(8)}`;
    await server.app.oidc.users.create('long@example.com', password, true);
    expect(await server.app.oidc.users.authenticate('long@example.com', password)).toBeDefined();
    expect(await server.app.oidc.users.authenticate('long@example.com', password.slice(0, 72))).toBeUndefined();
  });
});

describe('comparisons are constant-time', () => {
  it('verifySecret always derives the full key and compares it with timingSafeEqual, however wrong the guess', async () => {
    const hash = await hashSecret('constant-time-secret-0123456789');
    const spy = vi.mocked(crypto.timingSafeEqual);
    for (const guess of ['constant-time-secret-0123456789', 'constant-time-secret-012345678X', 'X', '', 'a'.repeat(500)]) {
      spy.mockClear();
      await verifySecret(guess, hash);
      // One comparison of two 32-byte derived keys: nothing about the guess decides when it stops.
      expect(spy, JSON.stringify(guess)).toHaveBeenCalledTimes(1);
      const [a, b] = spy.mock.calls[0] as [Buffer, Buffer];
      expect([a.length, b.length]).toEqual([32, 32]);
    }
  });

  it('the token endpoint and Basic authentication go through it on every uncached check', async () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    expect((await token(basic(MACHINE.id, `${MACHINE.secret}-nope`))).status).toBe(401);
    expect(spy).toHaveBeenCalled();
    spy.mockClear();
    expect((await fhirGet(server, '/metadata', basic(MACHINE.id, `${MACHINE.secret}-nope`))).status).toBe(401);
    expect(spy).toHaveBeenCalled();
  });
});

describe('failed client authentication is rate-limited (429 + Retry-After)', () => {
  it('at the token endpoint: after 10 failures even the right secret waits, as RFC 6749 JSON; other clients are unaffected', async () => {
    for (let i = 0; i < 10; i++) expect((await token(basic(LIMITED.id, `${WRONG}-${i}`))).status).toBe(401);
    const limited = await token(basic(LIMITED.id, LIMITED.secret));
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('invalid_client');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // The same limit guards the client's Basic credentials at the FHIR API.
    const api = await fhirGet(server, '/metadata', basic(LIMITED.id, LIMITED.secret));
    expect(api.status).toBe(429);
    expect(Number(api.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await api.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    expect((await token(basic(MACHINE.id, MACHINE.secret))).status).toBe(200);
  });

  it('at the FHIR API with Basic credentials: 429 + Retry-After after 10 failures', async () => {
    const id = 'sm-basic-limited';
    const secret = 'sm-basic-limited-secret-0123456789-abcdefgh';
    await putClientApplication(server, { id, secret, name: id, grantType: ['basic_auth'], scope: 'system/ClientApplication.rs' });
    for (let i = 0; i < 10; i++) expect((await fhirGet(server, '/metadata', basic(id, `${WRONG}-${i}`))).status).toBe(401);
    const limited = await fhirGet(server, '/metadata', basic(id, secret));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('credentials never reach the log or the database file in the clear', () => {
  it('whatever the client sends and wherever it puts it', async () => {
    const password = server.admin.password;
    // Token requests with the secret in the Basic header, in the body, and (wrongly) in the query.
    const viaBasic = await token(basic(MACHINE.id, MACHINE.secret));
    const viaPost = await fetch(server.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: MACHINE.id, client_secret: MACHINE.secret }),
    });
    expect(viaPost.status).toBe(200);
    const viaQuery = await fetch(`${server.tokenEndpoint}?client_id=${MACHINE.id}&client_secret=${MACHINE.secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(viaQuery.status).toBeLessThan(500);
    // A wrong secret, an access token in the query, a sign-in with the admin password, a refresh.
    await token(basic(MACHINE.id, WRONG));
    const accessToken = viaBasic.body.access_token as string;
    await fetch(`${server.fhirBaseUrl}/metadata?access_token=${accessToken}`);
    const config = await discover(server, 'admin-app');
    const verifier = oauth.randomPKCECodeVerifier();
    const signIn = await authorize(
      createBrowser(),
      oauth.buildAuthorizationUrl(config, {
        redirect_uri: `${server.origin}/callback`,
        scope: 'openid offline_access user/ClientApplication.cruds',
        prompt: 'consent',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }).href,
      { email: server.admin.email, password },
    );
    if (signIn.kind !== 'redirect') throw new Error('expected a redirect');
    const code = signIn.location.searchParams.get('code') ?? '';
    const tokens = await oauth.authorizationCodeGrant(config, signIn.location, { pkceCodeVerifier: verifier, expectedState: oauth.skipStateCheck });
    await oauth.refreshTokenGrant(config, String(tokens.refresh_token));

    const log = logLines.join('');
    expect(log).toContain('/oidc/token');
    for (const [what, value] of [
      ['client secret', MACHINE.secret],
      ['wrong secret', WRONG],
      ['admin password', password],
      ['access token', accessToken],
      ['user access token', tokens.access_token],
      ['refresh token', String(tokens.refresh_token)],
      ['authorization code', code],
      ['PKCE verifier', verifier],
    ] as const) {
      expect(value.length, what).toBeGreaterThan(8);
      expect(log.includes(value), `${what} in the log`).toBe(false);
    }

    // The database (main file, WAL and shared memory), after all of that.
    const files = fs.readdirSync(server.config.dataDir).map((f) => path.join(server.config.dataDir, f));
    expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      for (const [what, value] of [
        ['client secret', MACHINE.secret],
        ['long secret', LONG_SECRET],
        ['wrong secret', WRONG],
        ['admin password', password],
      ] as const) {
        expect(bytes.includes(Buffer.from(value, 'utf8')), `${what} in ${path.basename(file)}`).toBe(false);
      }
    }
  });
});
