// The start of a page load's silent sign-in, run inline in index.html before the entry chunk
// (vite.config.ts puts it there; the server allows it by its hash, src/server/console-page.ts).
// Tokens live in memory only, so every page load signs in again on the OP's session; this sends
// that authorization request (prompt=none, PKCE S256) while the entry chunk loads and runs,
// instead of after. It keeps what the answer needs — state, nonce, PKCE verifier — in this page's
// memory only, for auth/early-sign-in-handoff.ts, which hands them to oidc-client-ts: it checks
// the answer and redeems the code exactly as for a request of its own.
//
// A script, not a module: no imports, nothing exported. It does nothing without the settings the
// embedded server puts in the page (a static host's page has none), without WebCrypto, for an OP
// on another origin, and on a return from the OP (the same test as paths.ts isReturnFromOp); the
// console then signs in as it would without it. Its paths and element id are copies of paths.ts's
// and config.ts's, and its 5 s timeout user-manager.ts's, all held to them by early-sign-in.test.ts.

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- merges into the global Window (a script, not a module)
interface Window {
  /** The answer (early-sign-in-handoff.ts EarlyAnswer), or undefined when there is none to hand over. */
  clientAdminEarlySignIn?: Promise<unknown>;
}

(() => {
  const { origin, pathname, search } = window.location;
  const settingsElement = document.getElementById('console-config');
  const subtle = window.crypto?.subtle;
  if (!settingsElement || !subtle) return;
  if (pathname === '/callback' || (pathname === '/' && new URLSearchParams(search).has('state'))) return;

  let settings: { issuer?: unknown; clientId?: unknown; scopes?: unknown; metadata?: { authorization_endpoint?: unknown } };
  try {
    settings = JSON.parse(settingsElement.textContent ?? '') as typeof settings;
  } catch {
    return;
  }
  const { issuer, clientId, scopes } = settings;
  const endpoint = settings.metadata?.authorization_endpoint;
  if (typeof issuer !== 'string' || typeof clientId !== 'string' || typeof scopes !== 'string' || typeof endpoint !== 'string') return;
  const authorize = new URL(endpoint, origin);
  if (authorize.origin !== origin) return;

  const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const random = (size: number) => base64url(crypto.getRandomValues(new Uint8Array(size)));

  window.clientAdminEarlySignIn = (async () => {
    const state = random(16);
    const nonce = random(16);
    const codeVerifier = random(32);
    const codeChallenge = base64url(new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier))));
    const redirectUri = `${origin}/silent-callback.html`;
    authorize.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: scopes,
      state,
      nonce,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      prompt: 'none',
    }).toString();
    const response = await fetch(authorize, { credentials: 'same-origin', redirect: 'follow', cache: 'no-store', signal: AbortSignal.timeout(5_000) });
    void response.body?.cancel().catch(() => undefined);
    // Anywhere but the redirect URI (a login page) is no answer to hand over.
    const landed = new URL(response.url);
    if (`${landed.origin}${landed.pathname}` !== redirectUri) return undefined;
    return { responseUrl: landed.href, state, nonce, codeVerifier, redirectUri, scope: scopes, clientId, issuer };
  })().catch(() => undefined);
})();
