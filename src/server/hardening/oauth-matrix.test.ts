import * as oauth from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authorize, createBrowser, present } from '../../test-support/browser.ts';
import { fhirHttp } from '../../test-support/http.ts';
import { discover, fhirGet, oauthError, putClientApplication } from '../../test-support/oauth.ts';
import { countTests } from '../../test-support/figures.ts';
import { startTestServer, type TestServer } from '../../test-support/test-server.ts';

// Issue 7 §4, the OAuth half of the security matrix (RFC 9700, OAuth 2.1, SMART 2.2). Rows that
// authorization-code.test.ts, client-credentials.test.ts and revocation.test.ts already prove are
// listed in docs/reliability.md and not repeated here.

let server: TestServer;
let http: ReturnType<typeof fhirHttp>;

const WEB = { id: 'mx-web', redirect: 'https://portal.example.com/callback' };
const NATIVE = { id: 'mx-native', loopback: 'http://127.0.0.1/cb', privateUse: 'com.example.app:/cb' };
const CONFIDENTIAL = { id: 'mx-confidential', secret: 'mx-confidential-secret-0123456789-abcdefgh', redirect: 'https://conf.example.com/cb' };
const SCOPE = 'openid offline_access user/ClientApplication.rs';

beforeAll(async () => {
  server = await startTestServer();
  http = fhirHttp(server);
  await putClientApplication(server, { id: WEB.id, name: 'Web', grantType: ['authorization_code', 'refresh_token'], redirectUri: [WEB.redirect], scope: SCOPE });
  await putClientApplication(server, {
    id: NATIVE.id,
    name: 'Native',
    grantType: ['authorization_code', 'refresh_token'],
    redirectUri: [NATIVE.loopback, NATIVE.privateUse],
    scope: SCOPE,
  });
  await putClientApplication(server, {
    id: CONFIDENTIAL.id,
    name: 'Confidential',
    grantType: ['authorization_code', 'refresh_token'],
    secret: CONFIDENTIAL.secret,
    redirectUri: [CONFIDENTIAL.redirect],
    scope: SCOPE,
  });
});
// Vitest passes the finished file as the second argument; the first must be a (here empty) fixture pattern.
// eslint-disable-next-line no-empty-pattern
afterAll(({}, suite) => {
  const { passed, total } = countTests(suite);
  console.log(`[matrix] OAuth: redirect URI registration and exact match, PKCE, code single use, binding and expiry, refresh tokens, revocation, scope allow-list: ${passed}/${total} checks pass`);
});
afterAll(async () => server?.close());
afterEach(() => vi.useRealTimers());

async function authorizationUrl(clientId: string, params: Record<string, string>, secret?: string) {
  const config = await discover(server, clientId, secret === undefined ? {} : { secret });
  return { config, url: oauth.buildAuthorizationUrl(config, params) };
}

/** What the authorization endpoint does with a request: send the browser on (to login), back to the client with an error, or stop on an error page. */
async function authorizeOutcome(clientId: string, params: Record<string, string>) {
  const { url } = await authorizationUrl(clientId, params);
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status >= 300 && response.status < 400 && location) {
    const next = new URL(location, url);
    if (next.pathname.includes('/interaction/')) return { kind: 'login' as const };
    return { kind: 'client' as const, error: next.searchParams.get('error'), target: `${next.origin}${next.pathname}` };
  }
  return { kind: 'page' as const, status: response.status, html: await response.text() };
}

async function pkce() {
  const verifier = oauth.randomPKCECodeVerifier();
  return { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier) };
}

/** Signs the admin in and returns the callback URL with its code, without exchanging it. */
async function codeFor(clientId: string, redirectUri: string, scope = SCOPE, secret?: string) {
  const { verifier, challenge } = await pkce();
  const { config, url } = await authorizationUrl(
    clientId,
    { redirect_uri: redirectUri, scope, code_challenge: challenge, code_challenge_method: 'S256', prompt: 'consent' },
    secret,
  );
  const result = await authorize(createBrowser(), url.href, { email: server.admin.email, password: server.admin.password, consent: 'allow' });
  if (result.kind !== 'redirect') throw new Error(`sign-in stopped on a page: ${result.status}`);
  return { config, callback: result.location, verifier, challenge };
}

/** A token request by hand, for the parameters openid-client will not send. */
async function tokenRequest(params: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(server.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe('redirect URI registration (SPEC §5), through the API', () => {
  const refused: [string, string[], string][] = [
    ['http on a public host', ['http://portal.example.com/cb'], 'redirectUri[0]'],
    ['a wildcard', ['https://*.example.com/cb'], 'redirectUri[0]'],
    ['a fragment', ['https://a.example.com/cb#x'], 'redirectUri[0]'],
    ['userinfo', ['https://user:pw@a.example.com/cb'], 'redirectUri[0]'],
    ['javascript:', ['javascript:alert(1)//'], 'redirectUri[0]'],
    ['data:', ['data:text/html,<script>alert(1)</script>'], 'redirectUri[0]'],
    ['file:', ['file:///etc/passwd'], 'redirectUri[0]'],
    ['blob:', ['blob:https://a.example.com/x'], 'redirectUri[0]'],
    ['vbscript:', ['vbscript:msgbox'], 'redirectUri[0]'],
    ['about:', ['about:blank'], 'redirectUri[0]'],
    ['a relative URI', ['/callback'], 'redirectUri[0]'],
    ['a private-use scheme without a dot', ['myapp:/cb'], 'redirectUri[0]'],
    ['whitespace', ['https://a.example.com/c b'], 'redirectUri[0]'],
    ['a duplicate', ['https://a.example.com/cb', 'https://a.example.com/cb'], 'redirectUri[1]'],
    ['a bad one after a good one', ['https://a.example.com/cb', 'http://evil.example/cb'], 'redirectUri[1]'],
    ['six URIs', Array.from({ length: 6 }, (_, i) => `https://a.example.com/cb${i}`), 'redirectUri'],
  ];
  it.each(refused)('refuses %s with 422 naming the field, and stores nothing', async (_label, redirectUri, field) => {
    const id = `mx-reg-${Math.abs(hash(JSON.stringify(redirectUri)))}`;
    const res = await http(`/ClientApplication/${id}`, {
      method: 'PUT',
      body: { resourceType: 'ClientApplication', id, name: 'R', grantType: ['authorization_code'], responseTypes: 'code', redirectUri },
    });
    expect(res.status).toBe(422);
    expect(res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? [])).toContain(`ClientApplication.${field}`);
    // A URI with a password is never echoed back.
    expect(res.text).not.toContain('pw@');
    expect((await http(`/ClientApplication/${id}`)).status).toBe(404);
  });

  it('accepts https, http on loopback, and private-use schemes with a dot', async () => {
    const redirectUri = ['https://a.example.com/cb', 'http://127.0.0.1/cb', 'http://[::1]:8080/cb', 'http://localhost/cb', 'com.example.app:/cb'];
    const res = await http('/ClientApplication/mx-reg-ok', {
      method: 'PUT',
      body: { resourceType: 'ClientApplication', id: 'mx-reg-ok', name: 'R', grantType: ['authorization_code'], responseTypes: 'code', redirectUri },
    });
    expect(res.status).toBe(201);
  });
});

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + (c.codePointAt(0) ?? 0)) | 0;
  return h;
}

describe('redirect URIs are matched exactly at authorize (RFC 9700 §4.1.3)', () => {
  const base = async () => ({ scope: 'openid', ...(await pkce().then((p) => ({ code_challenge: p.challenge, code_challenge_method: 'S256' }))) });

  it.each([
    ['the host in upper case', 'https://PORTAL.example.com/callback'],
    ['a dot-segment', 'https://portal.example.com/callback/../callback'],
    ['an encoded slash', 'https://portal.example.com/callback%2F'],
    ['a suffix domain', 'https://portal.example.com.evil.example/callback'],
    ['userinfo', 'https://user@portal.example.com/callback'],
    ['http instead of https', 'http://portal.example.com/callback'],
    ['a fragment', 'https://portal.example.com/callback#x'],
    ['an empty query', 'https://portal.example.com/callback?'],
    ['the default port written out', 'https://portal.example.com:443/callback'],
  ])('refuses %s on an error page, never redirecting', async (_label, redirectUri) => {
    const outcome = await authorizeOutcome(WEB.id, { ...(await base()), redirect_uri: redirectUri });
    expect(outcome.kind).toBe('page');
    if (outcome.kind === 'page') expect(outcome.status).toBe(400);
  });

  it('refuses a missing redirect_uri even when only one is registered (OAuth 2.1)', async () => {
    const outcome = await authorizeOutcome(WEB.id, await base());
    expect(outcome.kind).toBe('page');
  });

  it('accepts the registered URI itself (the refusals above are not vacuous)', async () => {
    expect(await authorizeOutcome(WEB.id, { ...(await base()), redirect_uri: WEB.redirect })).toEqual({ kind: 'login' });
  });

  it('lets only the port of a loopback redirect vary (RFC 8252 §7.3), nothing else', async () => {
    expect(await authorizeOutcome(NATIVE.id, { ...(await base()), redirect_uri: 'http://127.0.0.1:54321/cb' })).toEqual({ kind: 'login' });
    expect(await authorizeOutcome(NATIVE.id, { ...(await base()), redirect_uri: NATIVE.privateUse })).toEqual({ kind: 'login' });
    for (const redirectUri of ['http://localhost:54321/cb', 'http://127.0.0.1:54321/cb/', 'http://127.0.0.1:54321/other', 'com.example.app:/cb2', 'com.example.app://cb', 'com.example.evil:/cb']) {
      const outcome = await authorizeOutcome(NATIVE.id, { ...(await base()), redirect_uri: redirectUri });
      expect(outcome.kind, redirectUri).toBe('page');
    }
  });
});

describe('PKCE battery (RFC 9700 §2.1.1, RFC 7636)', () => {
  it('refuses a challenge without a method (that would mean plain), a malformed challenge, and a confidential client without PKCE', async () => {
    const { challenge } = await pkce();
    const noMethod = await authorizeOutcome(WEB.id, { redirect_uri: WEB.redirect, scope: 'openid', code_challenge: challenge });
    expect(noMethod).toMatchObject({ kind: 'client', error: 'invalid_request', target: WEB.redirect });
    const tooShort = await authorizeOutcome(WEB.id, { redirect_uri: WEB.redirect, scope: 'openid', code_challenge: 'abc', code_challenge_method: 'S256' });
    expect(tooShort).toMatchObject({ kind: 'client', error: 'invalid_request' });
    const unknownMethod = await authorizeOutcome(WEB.id, { redirect_uri: WEB.redirect, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S512' });
    expect(unknownMethod).toMatchObject({ kind: 'client', error: 'invalid_request' });
    const { url } = await authorizationUrl(CONFIDENTIAL.id, { redirect_uri: CONFIDENTIAL.redirect, scope: 'openid' }, CONFIDENTIAL.secret);
    const confidential = await fetch(url, { redirect: 'manual' });
    expect(new URL(present(confidential.headers.get('location'), 'redirect')).searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses downgrades at the token endpoint: no verifier, the challenge as verifier, a malformed verifier', async () => {
    for (const verifierFor of [
      () => undefined,
      (c: { challenge: string }) => c.challenge,
      () => 'short',
      () => `${'a'.repeat(42)}!`,
    ]) {
      const flow = await codeFor(WEB.id, WEB.redirect);
      const verifier = verifierFor(flow);
      const response = await tokenRequest({
        grant_type: 'authorization_code',
        client_id: WEB.id,
        code: present(flow.callback.searchParams.get('code'), 'code'),
        redirect_uri: WEB.redirect,
        ...(verifier === undefined ? {} : { code_verifier: verifier }),
      });
      expect(response.status, String(verifier)).toBe(400);
      expect(['invalid_grant', 'invalid_request']).toContain(response.body.error);
    }
  });

  it('refuses a code exchanged with another redirect_uri or by another client', async () => {
    const flow = await codeFor(WEB.id, WEB.redirect);
    const code = present(flow.callback.searchParams.get('code'), 'code');
    const otherRedirect = await tokenRequest({ grant_type: 'authorization_code', client_id: WEB.id, code, redirect_uri: `${WEB.redirect}/x`, code_verifier: flow.verifier });
    expect(otherRedirect.body.error).toBe('invalid_grant');
    const flow2 = await codeFor(WEB.id, WEB.redirect);
    const otherClient = await tokenRequest({
      grant_type: 'authorization_code',
      client_id: NATIVE.id,
      code: present(flow2.callback.searchParams.get('code'), 'code'),
      redirect_uri: WEB.redirect,
      code_verifier: flow2.verifier,
    });
    expect(otherClient.body.error).toBe('invalid_grant');
  });
});

describe('authorization codes expire (60 s)', () => {
  it('exchanges a 30-second-old code, and refuses a 61-second-old one', async () => {
    for (const [age, expected] of [[30_000, 'ok'], [61_000, 'invalid_grant']] as const) {
      const flow = await codeFor(WEB.id, WEB.redirect);
      // Only Date is faked: the server in this process sees the same clock as the client.
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + age });
      const response = await tokenRequest({
        grant_type: 'authorization_code',
        client_id: WEB.id,
        code: present(flow.callback.searchParams.get('code'), 'code'),
        redirect_uri: WEB.redirect,
        code_verifier: flow.verifier,
      });
      vi.useRealTimers();
      expect(response.status === 200 ? 'ok' : response.body.error, `${age} ms`).toBe(expected);
    }
  });
});

describe('refresh tokens', () => {
  it('are bound to their client, and cannot widen the scope', async () => {
    const flow = await codeFor(WEB.id, WEB.redirect);
    const tokens = await oauth.authorizationCodeGrant(flow.config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: oauth.skipStateCheck });
    const refresh = present(tokens.refresh_token, 'refresh token');
    const stolen = await tokenRequest({ grant_type: 'refresh_token', client_id: NATIVE.id, refresh_token: refresh });
    expect(stolen.body.error).toBe('invalid_grant');
    const wider = await tokenRequest({ grant_type: 'refresh_token', client_id: WEB.id, refresh_token: refresh, scope: 'openid offline_access user/ClientApplication.cruds' });
    expect(wider.body.error).toBe('invalid_scope');
    // A subset of the granted scopes is fine (RFC 6749 §6), and the token carries only it.
    const narrower = await tokenRequest({ grant_type: 'refresh_token', client_id: WEB.id, refresh_token: refresh, scope: 'user/ClientApplication.rs' });
    expect(narrower.status, JSON.stringify(narrower.body)).toBe(200);
    expect(narrower.body.scope).toBe('user/ClientApplication.rs');
  });
});

describe('revocation propagates', () => {
  it('RFC 7009: revoking the refresh token kills it and the access tokens of its grant', async () => {
    const flow = await codeFor(WEB.id, WEB.redirect);
    const tokens = await oauth.authorizationCodeGrant(flow.config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: oauth.skipStateCheck });
    expect((await fhirGet(server, '/ClientApplication', `Bearer ${tokens.access_token}`)).status).toBe(200);
    await oauth.tokenRevocation(flow.config, present(tokens.refresh_token, 'refresh token'));
    expect((await oauthError(oauth.refreshTokenGrant(flow.config, String(tokens.refresh_token)))).error).toBe('invalid_grant');
    expect((await fhirGet(server, '/ClientApplication', `Bearer ${tokens.access_token}`)).status).toBe(401);
  });

  it('narrowing a client’s registered scope or removing its grant takes effect on its existing tokens at once', async () => {
    const id = 'mx-narrowed';
    const secret = 'mx-narrowed-secret-0123456789-abcdefghijk';
    const resource = { id, name: 'Narrowed', grantType: ['client_credentials'], secret, scope: 'system/ClientApplication.rs' };
    await putClientApplication(server, resource);
    const { access_token: token } = await oauth.clientCredentialsGrant(await discover(server, id, { secret }));
    const auth = `Bearer ${token}`;
    expect((await fhirGet(server, '/ClientApplication?_count=1', auth)).status).toBe(200);

    // The token's scope is no longer within the registration, so it no longer counts (it fails
    // closed: a new token gets the narrower scope).
    await putClientApplication(server, { ...resource, secret: undefined, scope: 'system/ClientApplication.r' });
    expect((await fhirGet(server, '/ClientApplication?_count=1', auth)).status).toBe(403);
    const { access_token: fresh } = await oauth.clientCredentialsGrant(await discover(server, id, { secret }));
    expect((await fhirGet(server, `/ClientApplication/${id}`, `Bearer ${fresh}`)).status).toBe(200);
    expect((await fhirGet(server, '/ClientApplication?_count=1', `Bearer ${fresh}`)).status).toBe(403);

    await putClientApplication(server, { ...resource, secret: undefined, grantType: ['basic_auth'] });
    expect((await fhirGet(server, `/ClientApplication/${id}`, `Bearer ${fresh}`)).status).toBe(401);
  });
});

describe('scope allow-list at authorize (SPEC §3)', () => {
  it.each([
    ['a malformed SMART scope', 'openid user/ClientApplication.dus'],
    ['an unknown scope', 'openid admin'],
    ['a scope of another context', 'openid system/ClientApplication.rs'],
    ['a wider permission', 'openid user/ClientApplication.cruds'],
  ])('refuses %s with invalid_scope, back at the client', async (_label, scope) => {
    const { challenge } = await pkce();
    const outcome = await authorizeOutcome(WEB.id, { redirect_uri: WEB.redirect, scope, code_challenge: challenge, code_challenge_method: 'S256' });
    expect(outcome).toMatchObject({ kind: 'client', error: 'invalid_scope', target: WEB.redirect });
  });
});
