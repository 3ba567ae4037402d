import { describe, expect, it } from 'vitest';
import { createFetchNavigator, isSameOriginEndpoint, SilentSignInError } from './fetch-navigator.ts';

// The navigator's own decisions: which final URL is an authorization response, and when to give
// up. The network is a stand-in here; the real round trip against oidc-provider (session cookie,
// prompt=none, the code exchange, the fallback to the login page) is e2e/sign-in.spec.ts.

const ORIGIN = 'https://console.example';
const REDIRECT_URI = `${ORIGIN}/silent-callback.html`;
const AUTHORIZE = `${ORIGIN}/oidc/auth?client_id=admin-app&prompt=none&state=s1&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`;

/** A fetch whose answer ends at `finalUrl` (as after the browser followed the OP's redirects). */
function landingAt(finalUrl: string, seen: RequestInit[] = []): typeof fetch {
  return async (_input, init) => {
    seen.push(init ?? {});
    const response = new Response('<!doctype html>', { status: 200 });
    Object.defineProperty(response, 'url', { value: finalUrl });
    return response;
  };
}

async function navigate(fetchImpl: typeof fetch, url = AUTHORIZE, silentRequestTimeoutInSeconds = 5) {
  const window = await createFetchNavigator(fetchImpl).prepare({ silentRequestTimeoutInSeconds });
  return window.navigate({ url, state: 's1' });
}

describe('the fetch-based silent sign-in', () => {
  it('answers with the URL the OP redirected to, code and state included', async () => {
    const seen: RequestInit[] = [];
    const response = `${REDIRECT_URI}?code=abc&state=s1&iss=${encodeURIComponent(`${ORIGIN}/oidc`)}`;
    expect(await navigate(landingAt(response, seen))).toEqual({ url: response });
    // The OP's session cookie goes along; the answer is never taken from a cache.
    expect(seen).toEqual([expect.objectContaining({ credentials: 'same-origin', redirect: 'follow', cache: 'no-store' })]);
  });

  it('passes an error response on, so oidc-client-ts reports login_required', async () => {
    const response = `${REDIRECT_URI}?error=login_required&state=s1`;
    expect(await navigate(landingAt(response))).toEqual({ url: response });
  });

  it('gives up when the OP answers with a page of its own (login, consent) instead of the redirect URI', async () => {
    await expect(navigate(landingAt(`${ORIGIN}/oidc/interaction/xyz`))).rejects.toBeInstanceOf(SilentSignInError);
    // Same path on another origin is not the redirect URI either.
    await expect(navigate(landingAt(`https://elsewhere.example/silent-callback.html?code=abc&state=s1`))).rejects.toBeInstanceOf(
      SilentSignInError,
    );
  });

  it('gives up when the OP does not answer in time', async () => {
    const never: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    await expect(navigate(never, AUTHORIZE, 0.05)).rejects.toThrow(/did not answer within 0.05 s/);
  });

  it('refuses a request without a redirect URI', async () => {
    await expect(navigate(landingAt(REDIRECT_URI), `${ORIGIN}/oidc/auth?client_id=admin-app`)).rejects.toBeInstanceOf(SilentSignInError);
  });
});

describe('isSameOriginEndpoint', () => {
  it('is true only for an endpoint on the console origin', () => {
    expect(isSameOriginEndpoint(`${ORIGIN}/oidc/auth`, ORIGIN)).toBe(true);
    expect(isSameOriginEndpoint('/oidc/auth', ORIGIN)).toBe(true);
    expect(isSameOriginEndpoint('https://op.example/auth', ORIGIN)).toBe(false);
    expect(isSameOriginEndpoint('http://console.example/oidc/auth', ORIGIN)).toBe(false);
    expect(isSameOriginEndpoint(undefined, ORIGIN)).toBe(false);
  });
});
