import * as oauth from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionFrom, authorize, createBrowser, csrfFrom, form, present } from '../../test-support/browser.ts';
import { decodeJwt, discover, fhirGet, oauthError, putClientApplication } from '../../test-support/oauth.ts';
import { startTestServer, type TestServer } from '../../test-support/test-server.ts';

// issue 3, "Checked by": authorization_code + PKCE through the real login page, by HTTP form
// posts; redirect URI exact matching; PKCE; single-use codes; refresh rotation and reuse.

let server: TestServer;

const PORTAL_REDIRECT = 'https://portal.example.com/callback';
const PORTAL = {
  id: 'portal',
  name: 'Patient Portal',
  grantType: ['authorization_code', 'refresh_token'],
  redirectUri: [PORTAL_REDIRECT],
  scope: 'openid email offline_access user/ClientApplication.rs',
};
const OTHER = { id: 'other', name: 'Other', grantType: ['authorization_code'], redirectUri: ['https://other.example.com/cb'], scope: 'openid' };

async function startLogin(config: oauth.Configuration, params: Record<string, string>) {
  const verifier = oauth.randomPKCECodeVerifier();
  const state = oauth.randomState();
  const url = oauth.buildAuthorizationUrl(config, {
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...params,
  });
  return { url, verifier, state };
}

/** Signs the admin in to `client` and returns the tokens, as a real app would get them. */
async function signIn(clientId: string, redirectUri: string, scope: string, consent?: 'allow') {
  const config = await discover(server, clientId);
  const browser = createBrowser();
  const { url, verifier, state } = await startLogin(config, { redirect_uri: redirectUri, scope, prompt: 'consent' });
  const result = await authorize(browser, url.href, { email: server.admin.email, password: server.admin.password, consent });
  if (result.kind !== 'redirect') throw new Error(`sign-in stopped on a page: ${result.status} ${result.html}`);
  const tokens = await oauth.authorizationCodeGrant(config, result.location, { pkceCodeVerifier: verifier, expectedState: state });
  return { config, browser, tokens, callback: result.location, verifier };
}

beforeAll(async () => {
  server = await startTestServer();
  await putClientApplication(server, PORTAL);
  await putClientApplication(server, OTHER);
});
afterAll(async () => server.close());

describe('the console (admin-app), first-party', () => {
  it('signs the admin in through the login page, without a consent page, and its token manages clients', async () => {
    const config = await discover(server, 'admin-app');
    const browser = createBrowser();
    const { url, verifier, state } = await startLogin(config, {
      redirect_uri: `${server.origin}/callback`,
      scope: 'openid email offline_access user/ClientApplication.cruds',
      prompt: 'consent',
    });
    const seenPages: string[] = [];
    const result = await authorize(browser, url.href, { email: server.admin.email, password: server.admin.password, seenPages });
    expect(seenPages).toEqual(['login']);
    expect(result.kind).toBe('redirect');
    if (result.kind !== 'redirect') return;
    // RFC 9207: the issuer is named in the authorization response.
    expect(result.location.searchParams.get('iss')).toBe(server.issuer);

    const tokens = await oauth.authorizationCodeGrant(config, result.location, { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.claims()?.email).toBe(server.admin.email);
    expect(decodeJwt(tokens.access_token).payload.aud).toBe(server.fhirBaseUrl);

    const search = await fhirGet(server, '/ClientApplication', `Bearer ${tokens.access_token}`);
    expect(search.status).toBe(200);

    // The history says who: a change made by a signed-in admin carries their email.
    const write = await fetch(`${server.fhirBaseUrl}/ClientApplication/admin-made`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'ClientApplication',
        id: 'admin-made',
        name: 'Made by the admin',
        grantType: ['authorization_code'],
        responseTypes: 'code',
        redirectUri: ['https://admin-made.example.com/cb'],
      }),
    });
    expect(write.status).toBe(201);
    expect(((await write.json()) as { meta: { source: string } }).meta.source).toBe(`mailto:${server.admin.email}`);
  });

  it('signs in silently (prompt=none) on a live session, with a refresh token bound to that session', async () => {
    const scope = 'openid email offline_access user/ClientApplication.cruds';
    const first = await signIn('admin-app', `${server.origin}/callback`, scope);
    const silentCallback = `${server.origin}/silent-callback.html`;
    const silent = await startLogin(first.config, { redirect_uri: silentCallback, scope, prompt: 'none' });
    const seenPages: string[] = [];
    const result = await authorize(first.browser, silent.url.href, { seenPages });
    expect(seenPages).toEqual([]);
    if (result.kind !== 'redirect') throw new Error(`silent sign-in stopped on a page: ${result.status}`);
    expect(`${result.location.origin}${result.location.pathname}`).toBe(silentCallback);
    const tokens = await oauth.authorizationCodeGrant(first.config, result.location, { pkceCodeVerifier: silent.verifier, expectedState: silent.state });
    // OpenID Connect Core §11: no offline_access without prompt=consent…
    expect(tokens.scope?.split(' ')).not.toContain('offline_access');
    expect((await fhirGet(server, '/ClientApplication', `Bearer ${tokens.access_token}`)).status).toBe(200);
    // …but a refresh token that lives only as long as the OP session, and rotates.
    const refreshed = await oauth.refreshTokenGrant(first.config, present(tokens.refresh_token, 'refresh token'));
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    // Sign-out ends the OP session: the session-bound refresh token dies with it.
    const logoutPage = await (await first.browser.request(`${server.issuer}/session/end`)).text();
    const xsrf = present(/name="xsrf" value="([^"]+)"/.exec(logoutPage)?.[1], 'xsrf token');
    const ended = await first.browser.request(actionFrom(logoutPage, server.origin), form({ xsrf, logout: 'yes' }));
    expect(ended.status).toBeLessThan(400);
    expect((await oauthError(oauth.refreshTokenGrant(first.config, present(refreshed.refresh_token, 'refresh token')))).error).toBe('invalid_grant');
  });

  it('answers a silent sign-in without a session with login_required at the redirect URI, never a page', async () => {
    const config = await discover(server, 'admin-app');
    const silentCallback = `${server.origin}/silent-callback.html`;
    const { url, state } = await startLogin(config, { redirect_uri: silentCallback, scope: 'openid user/ClientApplication.cruds', prompt: 'none' });
    const result = await authorize(createBrowser(), url.href);
    if (result.kind !== 'redirect') throw new Error(`expected a redirect, got a ${result.status} page`);
    expect(`${result.location.origin}${result.location.pathname}`).toBe(silentCallback);
    expect(result.location.searchParams.get('error')).toBe('login_required');
    expect(result.location.searchParams.get('state')).toBe(state);
  });

  it('renders an accessible login page that cannot be framed, and explains a wrong password', async () => {
    const config = await discover(server, 'admin-app');
    const browser = createBrowser();
    const { url } = await startLogin(config, { redirect_uri: `${server.origin}/callback`, scope: 'openid' });
    const result = await authorize(browser, url.href);
    expect(result.kind).toBe('page');
    if (result.kind !== 'page') return;
    expect(result.status).toBe(200);
    const csp = result.response.headers.get('content-security-policy');
    expect(csp).toContain("frame-ancestors 'none'");
    // The post-login redirect to the client is a form-action target too (CSP Level 3).
    expect(csp).toContain(`form-action 'self' ${server.origin}`);
    expect(result.html).toMatch(/<label for="email">Email<\/label>/);
    expect(result.html).toMatch(/<label for="password">Password<\/label>/);
    expect(result.html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);

    const action = actionFrom(result.html, server.origin);
    const wrong = await browser.request(action, form({ csrf: csrfFrom(result.html), action: 'login', email: server.admin.email, password: 'wrong' }));
    expect(wrong.status).toBe(401);
    const html = await wrong.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('The email or password is not correct.');

    const forged = await browser.request(action, form({ csrf: 'forged', action: 'login', email: server.admin.email, password: server.admin.password }));
    expect(forged.status).toBe(403);
  });
});

describe('login attempts are rate-limited', () => {
  it('stops an account after repeated failures, even with the right password, with 429 and Retry-After', async () => {
    const victim = { email: 'victim@example.com', password: 'victim-password-123456' };
    await server.app.oidc.users.create(victim.email, victim.password, true);
    const config = await discover(server, 'admin-app');
    const { url } = await startLogin(config, { redirect_uri: `${server.origin}/callback`, scope: 'openid' });
    const browser = createBrowser();
    const page = await authorize(browser, url.href);
    if (page.kind !== 'page') throw new Error('expected the login page');
    const action = actionFrom(page.html, server.origin);
    const attempt = (password: string) =>
      browser.request(action, form({ csrf: csrfFrom(page.html), action: 'login', email: victim.email, password }));
    for (let i = 0; i < 5; i++) expect((await attempt(`guess-${i}`)).status).toBe(401);
    const blocked = await attempt(victim.password);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await blocked.text()).toContain('Too many failed sign-in attempts');
  });
});

describe('redirect URIs are matched exactly', () => {
  const cases = [
    ['a trailing slash', 'https://portal.example.com/callback/'],
    ['a different case', 'https://portal.example.com/Callback'],
    ['another port', 'https://portal.example.com:8443/callback'],
    ['an extra query', 'https://portal.example.com/callback?next=1'],
    ["another client's URI", 'https://other.example.com/cb'],
  ];
  it.each(cases)('refuses %s with an error page and no redirect', async (_label, redirectUri) => {
    const config = await discover(server, 'portal');
    const { url } = await startLogin(config, { redirect_uri: String(redirectUri), scope: 'openid' });
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('not registered');
  });
});

describe('PKCE', () => {
  it('requires S256: a missing or plain challenge is refused', async () => {
    const config = await discover(server, 'portal');
    const redirect_uri = PORTAL_REDIRECT;
    const missing = oauth.buildAuthorizationUrl(config, { redirect_uri, scope: 'openid', state: 's' });
    const plain = oauth.buildAuthorizationUrl(config, { redirect_uri, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' });
    for (const url of [missing, plain]) {
      const response = await fetch(url, { redirect: 'manual' });
      const location = new URL(present(response.headers.get('location'), 'redirect'));
      expect(location.origin + location.pathname).toBe(redirect_uri);
      expect(location.searchParams.get('error')).toBe('invalid_request');
    }
  });

  it('refuses a wrong code_verifier at the token endpoint', async () => {
    const config = await discover(server, 'portal');
    const browser = createBrowser();
    const { url, state } = await startLogin(config, { redirect_uri: PORTAL_REDIRECT, scope: 'openid user/ClientApplication.rs' });
    const result = await authorize(browser, url.href, { email: server.admin.email, password: server.admin.password, consent: 'allow' });
    if (result.kind !== 'redirect') throw new Error('expected a redirect');
    const error = await oauthError(
      oauth.authorizationCodeGrant(config, result.location, { pkceCodeVerifier: oauth.randomPKCECodeVerifier(), expectedState: state }),
    );
    expect(error.error).toBe('invalid_grant');
  });
});

describe('consent (public, third-party client)', () => {
  it('lists the requested scopes in plain language, and is remembered for the next sign-in', async () => {
    const config = await discover(server, 'portal');
    const browser = createBrowser();
    const first = await startLogin(config, { redirect_uri: PORTAL_REDIRECT, scope: 'openid email user/ClientApplication.rs' });
    const page = await authorize(browser, first.url.href, { email: server.admin.email, password: server.admin.password });
    expect(page.kind).toBe('page');
    if (page.kind !== 'page') return;
    expect(page.html).toContain('Patient Portal');
    expect(page.html).toContain('Read and search ClientApplications the signed-in user can access');
    expect(page.html).toContain("See the user&#39;s email address");
    expect(page.response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.response.headers.get('content-security-policy')).toContain("form-action 'self' https://portal.example.com");

    const action = actionFrom(page.html, server.origin);
    const answered = await browser.request(action, form({ csrf: csrfFrom(page.html), action: 'allow' }));
    expect(answered.status).toBe(303);

    // A new sign-in by the same user and client goes straight back, with a code.
    const seenPages: string[] = [];
    const second = await startLogin(config, { redirect_uri: PORTAL_REDIRECT, scope: 'openid email user/ClientApplication.rs' });
    const result = await authorize(createBrowser(), second.url.href, { email: server.admin.email, password: server.admin.password, seenPages });
    expect(seenPages).toEqual(['login']);
    expect(result.kind === 'redirect' && result.location.searchParams.get('code')).toBeTruthy();
  });

  it('refuses scopes outside the registration at authorize, back at the client', async () => {
    const config = await discover(server, 'portal');
    const { url } = await startLogin(config, { redirect_uri: PORTAL_REDIRECT, scope: 'openid user/ClientApplication.cruds' });
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(present(response.headers.get('location'), 'redirect'));
    expect(location.searchParams.get('error')).toBe('invalid_scope');
  });

  it('sends access_denied back when the user denies', async () => {
    const config = await discover(server, 'portal');
    // prompt=consent asks again even though consent was remembered (OIDC Core §3.1.2.1).
    const { url } = await startLogin(config, { redirect_uri: PORTAL_REDIRECT, scope: 'openid email', prompt: 'consent' });
    const seenPages: string[] = [];
    const result = await authorize(createBrowser(), url.href, { email: server.admin.email, password: server.admin.password, consent: 'deny', seenPages });
    expect(seenPages).toEqual(['login', 'consent']);
    expect(result.kind === 'redirect' && result.location.searchParams.get('error')).toBe('access_denied');
  });
});

describe('single-use codes and refresh tokens', () => {
  it('refuses a reused code with invalid_grant and revokes the tokens of the first exchange', async () => {
    const config = await discover(server, 'portal');
    const browser = createBrowser();
    const { url, verifier, state } = await startLogin(config, {
      redirect_uri: PORTAL_REDIRECT,
      scope: 'openid offline_access user/ClientApplication.rs',
      prompt: 'consent',
    });
    const result = await authorize(browser, url.href, { email: server.admin.email, password: server.admin.password, consent: 'allow' });
    if (result.kind !== 'redirect') throw new Error('expected a redirect');
    const tokens = await oauth.authorizationCodeGrant(config, result.location, { pkceCodeVerifier: verifier, expectedState: state });
    expect((await fhirGet(server, '/ClientApplication', `Bearer ${tokens.access_token}`)).status).toBe(200);

    const reuse = await oauthError(oauth.authorizationCodeGrant(config, result.location, { pkceCodeVerifier: verifier, expectedState: state }));
    expect(reuse.error).toBe('invalid_grant');
    expect((await fhirGet(server, '/ClientApplication', `Bearer ${tokens.access_token}`)).status).toBe(401);
    expect((await oauthError(oauth.refreshTokenGrant(config, present(tokens.refresh_token, 'refresh token')))).error).toBe('invalid_grant');
  });

  it('rotates refresh tokens of public clients; reusing a rotated one revokes the grant', async () => {
    const { config, tokens } = await signIn('portal', PORTAL_REDIRECT, 'openid offline_access user/ClientApplication.rs', 'allow');
    const first = present(tokens.refresh_token, 'refresh token');
    const refreshed = await oauth.refreshTokenGrant(config, first);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(first);
    expect((await fhirGet(server, '/ClientApplication', `Bearer ${refreshed.access_token}`)).status).toBe(200);

    expect((await oauthError(oauth.refreshTokenGrant(config, first))).error).toBe('invalid_grant');
    // The reuse revoked the whole grant: the new refresh token and access token are dead too.
    expect((await oauthError(oauth.refreshTokenGrant(config, present(refreshed.refresh_token, 'refresh token')))).error).toBe('invalid_grant');
    expect((await fhirGet(server, '/ClientApplication', `Bearer ${refreshed.access_token}`)).status).toBe(401);
  });

  it('issues no refresh token without offline_access', async () => {
    const { tokens } = await signIn('portal', PORTAL_REDIRECT, 'openid user/ClientApplication.rs', 'allow');
    expect(tokens.refresh_token).toBeUndefined();
  });
});
