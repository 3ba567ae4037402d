import fs from 'node:fs';
import path from 'node:path';
import * as oauth from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionFrom, authorize, createBrowser, csrfFrom, form } from '../../test-support/browser.ts';
import { discover, putClientApplication } from '../../test-support/oauth.ts';
import { countTests } from '../../test-support/figures.ts';
import { startTestServer, tempDataDir, type TestServer } from '../../test-support/test-server.ts';

// Issue 7 §4, the browser half of the security matrix: security headers on every page and API
// response, and CORS only for registered origins on the token endpoints and the FHIR API.

let server: TestServer;
const consoleDir = tempDataDir();
const APP_ORIGIN = 'https://app.example.com';
const CONFIDENTIAL = { id: 'cors-confidential', secret: 'cors-confidential-secret-0123456789-abcdef' };

beforeAll(async () => {
  // A stand-in console build, so the static pages and the single-page-app fallback are covered too.
  fs.mkdirSync(path.join(consoleDir, 'assets'));
  fs.writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/assets/app.js"></script>');
  fs.writeFileSync(path.join(consoleDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(consoleDir, 'silent-callback.html'), '<!doctype html><title>silent</title><script type="module" src="/assets/app.js"></script>');
  server = await startTestServer({}, { consoleDir });
  await putClientApplication(server, {
    id: 'cors-spa',
    name: 'SPA',
    grantType: ['authorization_code', 'refresh_token'],
    redirectUri: [`${APP_ORIGIN}/callback`],
    scope: 'openid offline_access user/ClientApplication.rs',
  });
  await putClientApplication(server, {
    id: 'cors-native',
    name: 'Native',
    grantType: ['authorization_code'],
    redirectUri: ['com.example.app:/cb'],
    scope: 'openid',
  });
  await putClientApplication(server, { ...CONFIDENTIAL, name: 'Machine', grantType: ['client_credentials'], scope: 'system/ClientApplication.rs' });
});
// Vitest passes the finished file as the second argument; the first must be a (here empty) fixture pattern.
// eslint-disable-next-line no-empty-pattern
afterAll(({}, suite) => {
  const { passed, total } = countTests(suite);
  console.log(`[matrix] browser: security headers on every response, CORS for registered origins only: ${passed}/${total} checks pass`);
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(consoleDir, { recursive: true, force: true });
});

function directives(csp: string | null): Map<string, string[]> {
  return new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name = '', ...values]) => [name.toLowerCase(), values]),
  );
}

/** The security headers every response carries (OWASP Secure Headers), and a CSP that never allows inline or eval'd script. */
function expectSecurityHeaders(label: string, response: Response, options: { isFramable?: false } = {}) {
  expect(response.headers.get('x-content-type-options'), label).toBe('nosniff');
  expect(response.headers.get('referrer-policy'), label).toMatch(/^(no-referrer|same-origin|strict-origin)/);
  const csp = directives(response.headers.get('content-security-policy'));
  expect(csp.size, `${label}: Content-Security-Policy`).toBeGreaterThan(0);
  const scripts = csp.get('script-src') ?? csp.get('default-src');
  expect(scripts, `${label}: script-src or default-src`).toBeDefined();
  expect(scripts, label).not.toContain("'unsafe-inline'");
  expect(scripts, label).not.toContain("'unsafe-eval'");
  expect(scripts, label).not.toContain('*');
  if (options.isFramable === false) expect(csp.get('frame-ancestors'), label).toEqual(["'none'"]);
}

describe('security headers on every page and API response', () => {
  it('FHIR API, console, discovery, token endpoint, pages: nosniff, Referrer-Policy, a script-safe CSP', async () => {
    const bearer = await server.bearer();
    const fhir = server.fhirBaseUrl;
    const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers, redirect: 'manual' });
    const cases: [string, () => Promise<Response>, number][] = [
      ['FHIR metadata', () => get(`${fhir}/metadata`, { authorization: bearer }), 200],
      ['FHIR search', () => get(`${fhir}/ClientApplication`, { authorization: bearer }), 200],
      ['FHIR read 404', () => get(`${fhir}/ClientApplication/nope`, { authorization: bearer }), 404],
      ['FHIR 401', () => get(`${fhir}/ClientApplication`), 401],
      ['FHIR 400 bad URL', () => get(`${fhir}/ClientApplication/%ZZ`, { authorization: bearer }), 400],
      ['FHIR 415', () => fetch(`${fhir}/ClientApplication`, { method: 'POST', headers: { authorization: bearer, 'content-type': 'text/plain' }, body: 'x' }), 415],
      ['SMART configuration', () => get(`${fhir}/.well-known/smart-configuration`), 200],
      ['config.json', () => get(`${server.origin}/config.json`), 200],
      ['health', () => get(`${server.origin}/health`), 200],
      ['console index', () => get(`${server.origin}/`, { accept: 'text/html' }), 200],
      ['console route (SPA fallback)', () => get(`${server.origin}/clients/abc`, { accept: 'text/html' }), 200],
      ['console asset', () => get(`${server.origin}/assets/app.js`), 200],
      ['unknown path', () => get(`${server.origin}/nothing-here`), 404],
      ['discovery', () => get(`${server.issuer}/.well-known/openid-configuration`), 200],
      ['JWKS', () => get(`${server.issuer}/jwks`), 200],
      ['token endpoint error', () => fetch(server.tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' }), 400],
      ['authorize error page', () => get(`${server.issuer}/auth?client_id=nobody&response_type=code`, { accept: 'text/html' }), 400],
      ['expired interaction page', () => get(`${server.issuer}/interaction/unknown`, { accept: 'text/html' }), 400],
      ['sign-out page', () => get(`${server.issuer}/session/end`, { accept: 'text/html' }), 200],
      ['page stylesheet', () => get(`${server.issuer}/assets/pages.css`), 200],
    ];
    for (const [label, request, status] of cases) {
      const response = await request();
      expect(response.status, label).toBe(status);
      const isHtml = (response.headers.get('content-type') ?? '').startsWith('text/html');
      expectSecurityHeaders(label, response, isHtml ? { isFramable: false } : {});
      await response.arrayBuffer();
    }
    console.log(`[headers] ${cases.length} kinds of response (API, console, discovery, token, pages): nosniff, Referrer-Policy and a CSP without unsafe-inline/unsafe-eval script on all`);
  });

  it('no page may be framed, the silent sign-in page and the authorization endpoint included', async () => {
    // The console signs in silently by a same-origin fetch that follows the OP's redirect to this
    // page, so nothing of ours needs a frame.
    const silent = await fetch(`${server.origin}/silent-callback.html?code=x&state=y`);
    expect(silent.status).toBe(200);
    expectSecurityHeaders('silent sign-in page', silent, { isFramable: false });
    const authorize = await fetch(`${server.issuer}/auth?client_id=admin-app&response_type=code&prompt=none`, { redirect: 'manual' });
    expect(directives(authorize.headers.get('content-security-policy')).get('frame-ancestors')).toEqual(["'none'"]);
    for (const page of [`${server.origin}/`, `${server.origin}/resources/ClientApplication`]) {
      const response = await fetch(page, { headers: { accept: 'text/html' } });
      expect(directives(response.headers.get('content-security-policy')).get('frame-ancestors'), page).toEqual(["'none'"]);
    }
  });

  it('the console\'s content-hashed assets are cached for good, the icon for a day; its pages and settings are asked again', async () => {
    const asset = await fetch(`${server.origin}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    await asset.arrayBuffer();
    // The icon is not content-hashed: a day. (The console's page carries its own, inline.)
    const icon = await fetch(`${server.origin}/favicon.ico`);
    expect(icon.headers.get('cache-control')).toBe('public, max-age=86400');
    await icon.arrayBuffer();
    for (const url of [`${server.origin}/`, `${server.origin}/resources/ClientApplication`, `${server.origin}/silent-callback.html`, `${server.origin}/config.json`]) {
      const response = await fetch(url, { headers: { accept: 'text/html' } });
      expect(response.status, url).toBe(200);
      expect(response.headers.get('cache-control') ?? '', url).not.toMatch(/immutable|max-age=[1-9]/);
      await response.arrayBuffer();
    }
  });

  it('login and consent pages: no script at all, framed by nobody', async () => {
    const config = await discover(server, 'cors-spa');
    const verifier = oauth.randomPKCECodeVerifier();
    const url = oauth.buildAuthorizationUrl(config, {
      redirect_uri: `${APP_ORIGIN}/callback`,
      scope: 'openid user/ClientApplication.rs',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      prompt: 'consent',
    });
    const browser = createBrowser();
    const login = await authorize(browser, url.href);
    if (login.kind !== 'page') throw new Error('expected the login page');
    expectSecurityHeaders('login page', login.response, { isFramable: false });
    expect(directives(login.response.headers.get('content-security-policy')).get('default-src')).toEqual(["'none'"]);
    expect(login.html).not.toMatch(/<script|\son\w+=/i);

    const posted = await browser.request(
      actionFrom(login.html, server.origin),
      form({ csrf: csrfFrom(login.html), action: 'login', email: server.admin.email, password: server.admin.password }),
    );
    const consent = await authorize(browser, new URL(String(posted.headers.get('location')), server.origin).href);
    if (consent.kind !== 'page') throw new Error('expected the consent page');
    expect(consent.html).toContain('value="allow"');
    expectSecurityHeaders('consent page', consent.response, { isFramable: false });
    expect(consent.html).not.toMatch(/<script|\son\w+=/i);
  });

  it('form_post responses carry a hash for their one inline script, not unsafe-inline', async () => {
    const config = await discover(server, 'cors-spa');
    const browser = createBrowser();
    const start = async (mode?: string) =>
      oauth.buildAuthorizationUrl(config, {
        redirect_uri: `${APP_ORIGIN}/callback`,
        scope: 'openid',
        code_challenge: await oauth.calculatePKCECodeChallenge(oauth.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        ...(mode ? { response_mode: mode } : {}),
      }).href;
    const first = await authorize(browser, await start(), { email: server.admin.email, password: server.admin.password, consent: 'allow' });
    expect(first.kind).toBe('redirect');
    const page = await authorize(browser, await start('form_post'));
    if (page.kind !== 'page') throw new Error('expected the form_post page');
    expect(page.html).toContain(`action="${APP_ORIGIN}/callback"`);
    const scripts = directives(page.response.headers.get('content-security-policy')).get('script-src') ?? [];
    expect(scripts.some((s) => s.startsWith("'sha256-"))).toBe(true);
    expectSecurityHeaders('form_post page', page.response, { isFramable: false });
  });
});

describe('CORS: only registered origins, on the token endpoints and the FHIR API', () => {
  const preflight = (url: string, origin: string, headers = 'authorization, content-type') =>
    fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers } });

  it('FHIR API: a registered origin and the console origin may read, with preflight; others and null may not', async () => {
    const bearer = await server.bearer();
    const search = `${server.fhirBaseUrl}/ClientApplication?_count=1`;
    for (const origin of [APP_ORIGIN, server.origin]) {
      const pre = await preflight(search, origin);
      expect(pre.status, origin).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
      expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/);
      expect(pre.headers.get('access-control-allow-methods')).toMatch(/PUT/);
      const response = await fetch(search, { headers: { origin, authorization: bearer } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-expose-headers')).toMatch(/etag/);
      expect(response.headers.get('vary')).toMatch(/origin/i);
      // Errors too, so a browser app can read the OperationOutcome of a 401.
      const unauthorised = await fetch(search, { headers: { origin } });
      expect(unauthorised.status).toBe(401);
      expect(unauthorised.headers.get('access-control-allow-origin')).toBe(origin);
    }
    for (const origin of ['https://evil.example', 'null', 'https://app.example.com.evil.example', 'http://app.example.com', 'https://app.example.com:8443']) {
      const pre = await preflight(search, origin);
      expect(pre.status, origin).toBe(403);
      expect(pre.headers.get('access-control-allow-origin'), origin).toBeNull();
      const response = await fetch(search, { headers: { origin, authorization: bearer } });
      expect(response.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
    // Public metadata stays readable from anywhere.
    const smart = await fetch(`${server.fhirBaseUrl}/.well-known/smart-configuration`, { headers: { origin: 'https://evil.example' } });
    expect(smart.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('follows registrations: a new redirect URI’s origin is allowed at once, a deleted client’s is not', async () => {
    const origin = 'https://later.example.org';
    const url = `${server.fhirBaseUrl}/metadata`;
    expect((await preflight(url, origin)).status).toBe(403);
    await putClientApplication(server, { id: 'cors-later', name: 'Later', grantType: ['authorization_code'], redirectUri: [`${origin}/cb`], scope: 'openid' });
    expect((await preflight(url, origin)).headers.get('access-control-allow-origin')).toBe(origin);
    await fetch(`${server.fhirBaseUrl}/ClientApplication/cors-later`, { method: 'DELETE', headers: { authorization: await server.bearer() } });
    expect((await preflight(url, origin)).status).toBe(403);
  });

  it('token endpoint: the client’s own registered origin may read; preflights and errors for other origins carry no CORS grant', async () => {
    const token = server.tokenEndpoint;
    const pre = await preflight(token, APP_ORIGIN);
    expect(pre.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    for (const origin of ['https://evil.example', 'null']) {
      const evilPre = await preflight(token, origin);
      expect(evilPre.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
    // An error before any client is known (unknown client) from an unregistered origin.
    const unknown = await fetch(token, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=x&client_id=nobody',
    });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
    // The SPA's own origin gets its (error) response; another registered origin does not, for this client.
    const own = await fetch(token, {
      method: 'POST',
      headers: { origin: APP_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=x&client_id=cors-spa',
    });
    expect(own.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(((await own.json()) as { error: string }).error).toBe('invalid_grant');
    const foreign = await fetch(token, {
      method: 'POST',
      headers: { origin: server.origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=x&client_id=cors-spa',
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    // A private-use redirect URI has the origin "null": that must not let null-origin pages in.
    const nullOrigin = await fetch(token, {
      method: 'POST',
      headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=x&client_id=cors-native',
    });
    expect(nullOrigin.headers.get('access-control-allow-origin')).toBeNull();
    // Machine clients (no redirect URI) get no CORS at all: a browser has no business holding their secret.
    const machine = await fetch(token, {
      method: 'POST',
      headers: {
        origin: APP_ORIGIN,
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${CONFIDENTIAL.id}:${CONFIDENTIAL.secret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(machine.headers.get('access-control-allow-origin')).toBeNull();
    for (const endpoint of ['/token/revocation', '/token/introspection']) {
      const evilPre = await preflight(`${server.issuer}${endpoint}`, 'https://evil.example');
      expect(evilPre.headers.get('access-control-allow-origin'), endpoint).toBeNull();
    }
  });
});
