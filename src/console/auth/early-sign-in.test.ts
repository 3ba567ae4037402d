// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isReturnFromOp, paths } from '../app/paths.ts';
import { INLINE_CONFIG_ELEMENT_ID } from '../app/config.ts';
import type { EarlyAnswer } from './early-sign-in-handoff.ts';
import { SILENT_SIGN_IN_TIMEOUT_SECONDS } from './user-manager.ts';

// The page's inline script (early-sign-in.ts), run as the page runs it: what it sends and hands
// over, and when it stays out of the way. It cannot import, so these also hold its copies of the
// console's paths, element id and silent sign-in timeout to the originals. The network is a
// stand-in; the real round trip with oidc-provider and oidc-client-ts is e2e/sign-in.spec.ts.

const ORIGIN = window.location.origin;
const SETTINGS = {
  issuer: `${ORIGIN}/oidc`,
  clientId: 'admin-app',
  scopes: 'openid user/ClientApplication.cruds',
  metadata: { authorization_endpoint: `${ORIGIN}/oidc/auth` },
};

// A script, not a module: imported by name so that TypeScript does not look for its exports.
const EARLY_SIGN_IN_SCRIPT = './early-sign-in.ts';

let requests: URL[];

/** Loads the page at `path` with `settings` inline, a network that lands on `landing(request)`, and runs the script. */
async function runAt(path: string, settings: unknown = SETTINGS, landing = (request: URL) => `${request.searchParams.get('redirect_uri')}?code=c&state=${request.searchParams.get('state')}`) {
  window.history.replaceState(null, '', path);
  document.body.innerHTML = `<script type="application/json" id="${INLINE_CONFIG_ELEMENT_ID}">${JSON.stringify(settings)}</script>`;
  vi.stubGlobal('fetch', async (input: URL) => {
    requests.push(new URL(input));
    const response = new Response('');
    Object.defineProperty(response, 'url', { value: landing(new URL(input)) });
    return response;
  });
  vi.resetModules();
  await import(/* @vite-ignore */ EARLY_SIGN_IN_SCRIPT);
  return window.clientAdminEarlySignIn as Promise<EarlyAnswer | undefined> | undefined;
}

const base64url = (bytes: ArrayBuffer) => Buffer.from(bytes).toString('base64url');

beforeEach(() => {
  requests = [];
  delete window.clientAdminEarlySignIn;
});
afterEach(() => vi.unstubAllGlobals());

describe('the page\'s early silent sign-in', () => {
  it('asks the authorization endpoint with prompt=none and PKCE S256, and hands over what redeeming the answer needs', async () => {
    const answer = await runAt(`${paths.clientApplications()}?name=a`);
    expect(requests).toHaveLength(1);
    const request = requests[0] as URL;
    expect(`${request.origin}${request.pathname}`).toBe(SETTINGS.metadata.authorization_endpoint);
    const redirectUri = `${ORIGIN}${paths.silentCallback()}`;
    expect(Object.fromEntries(request.searchParams)).toEqual({
      client_id: 'admin-app',
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: SETTINGS.scopes,
      state: answer?.state,
      nonce: answer?.nonce,
      code_challenge: base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(answer?.codeVerifier))),
      code_challenge_method: 'S256',
      prompt: 'none',
    });
    expect(answer).toEqual({
      responseUrl: `${redirectUri}?code=c&state=${answer?.state}`,
      state: expect.stringMatching(/^[\w-]{22}$/),
      nonce: expect.stringMatching(/^[\w-]{22}$/),
      codeVerifier: expect.stringMatching(/^[\w-]{43}$/),
      redirectUri,
      scope: SETTINGS.scopes,
      clientId: 'admin-app',
      issuer: SETTINGS.issuer,
    });
  });

  it('gives the OP as long to answer as any silent sign-in of the console (user-manager.ts)', async () => {
    const timeout = vi.spyOn(AbortSignal, 'timeout');
    await runAt(paths.clientApplications());
    expect(timeout.mock.calls).toEqual([[SILENT_SIGN_IN_TIMEOUT_SECONDS * 1000]]);
    timeout.mockRestore();
  });

  it('stays out of the way on exactly the loads that return from the OP (paths.ts isReturnFromOp)', async () => {
    for (const path of ['/callback?code=c&state=s', '/?state=s', '/', paths.newClientApplication(), '/callbackx']) {
      delete window.clientAdminEarlySignIn;
      const pending = await runAt(path);
      expect(pending === undefined, path).toBe(isReturnFromOp(window.location));
    }
  });

  it('hands over nothing when the OP answers anywhere but the redirect URI (a login page)', async () => {
    expect(await runAt(paths.clientApplications(), SETTINGS, () => `${ORIGIN}/oidc/interaction/x`)).toBeUndefined();
  });

  it('does nothing without usable settings or for an OP on another origin', async () => {
    expect(await runAt(paths.clientApplications(), { ...SETTINGS, metadata: { authorization_endpoint: 'https://op.example/auth' } })).toBeUndefined();
    expect(await runAt(paths.clientApplications(), { issuer: SETTINGS.issuer })).toBeUndefined();
    expect(requests).toEqual([]);
  });
});
