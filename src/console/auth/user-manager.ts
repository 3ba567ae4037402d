import { InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { ConsoleConfig } from '../app/config.ts';
import { paths } from '../app/paths.ts';
import { createFetchNavigator, isSameOriginEndpoint } from './fetch-navigator.ts';

// The one oidc-client-ts UserManager (STYLE.md). Choices, each from issue 4 §2:
// - authorization_code + PKCE S256 (oidc-client-ts' default; `disablePKCE` stays false);
// - tokens in memory only: `userStore` is an InMemoryWebStorage, so no token ever reaches Web
//   Storage and a page load signs in again (silently while the OP's session lasts, below);
// - only the PKCE verifier and `state` of one round trip go to sessionStorage (a redirect's must
//   survive the navigation to the OP and back); oidc-client-ts removes the entry when the
//   response is consumed, and stale ones are cleared at start;
// - a full page load has no token, so it first signs in silently (session.ts `resume`): it asks
//   the authorization endpoint with prompt=none and gets the response on /silent-callback.html,
//   then exchanges the code (PKCE, state, nonce) here as for /callback. An OP on this origin (the
//   embedded server) is asked by a same-origin fetch (fetch-navigator.ts), with no frame at all;
//   one elsewhere by a hidden iframe that lands on the static /silent-callback.html page, which
//   hands the response to this page. The admin never sees a login or consent page this way:
//   without a session the OP answers login_required, and the console falls back to the redirect
//   sign-in;
// - renew with the (rotated) refresh token: the redirect sign-in asks prompt=consent and gets an
//   offline one; a silent sign-in gets one bound to the OP session (the server's issueRefreshToken);
// - sign-out revokes the refresh token, which revokes the whole grant (the server's API checks
//   the grant of every access token, so the access token dies with it), then ends the OP session.
//   Access tokens are JWTs here, and RFC 7009 lets a server refuse to revoke those
//   (`unsupported_token_type`), which oidc-provider does: asking would fail the sign-out.

export const STATE_STORE_PREFIX = 'client-admin.oidc.';

/** How long a silent sign-in may take before the console falls back to the redirect sign-in. */
export const SILENT_SIGN_IN_TIMEOUT_SECONDS = 5;

export function createUserManager(config: ConsoleConfig, origin: string = window.location.origin): UserManager {
  const authorizationEndpoint = config.metadata?.authorization_endpoint ?? config.issuer;
  // undefined: oidc-client-ts' own hidden-iframe navigator.
  const silentNavigator = isSameOriginEndpoint(authorizationEndpoint, origin) ? createFetchNavigator() : undefined;
  return new UserManager({
    authority: config.issuer,
    // Served with the settings (config.json), so no discovery request stands between a page load
    // and its sign-in; oidc-client-ts fetches discovery itself when it is absent.
    ...(config.metadata ? { metadata: config.metadata } : {}),
    client_id: config.clientId,
    redirect_uri: `${origin}${paths.callback()}`,
    silent_redirect_uri: `${origin}${paths.silentCallback()}`,
    silentRequestTimeoutInSeconds: SILENT_SIGN_IN_TIMEOUT_SECONDS,
    post_logout_redirect_uri: `${origin}${paths.home()}`,
    response_type: 'code',
    scope: config.scopes,
    // OpenID Connect Core §11: an OP grants offline_access (the refresh token silent renew needs)
    // only with prompt=consent, and oidc-provider enforces that. The console is first-party and
    // pre-approved, so the consent step passes without a page. This is the redirect sign-in's
    // prompt only: signinSilent always sends prompt=none instead.
    prompt: 'consent',
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage, prefix: STATE_STORE_PREFIX }),
    automaticSilentRenew: true,
    monitorSession: false,
    // The ID token carries email and name (the server sets conformIdTokenClaims: false).
    loadUserInfo: false,
    revokeTokensOnSignout: true,
    revokeTokenTypes: ['refresh_token'],
    // RFC 7009 §2.2: a successful revocation is an empty 200, which may come as text/plain.
    revokeTokenAdditionalContentTypes: ['text/plain'],
    // A round trip that was abandoned (the admin closed the login tab) leaves its state behind.
    staleStateAgeInSeconds: 600,
  }, undefined, undefined, silentNavigator);
}
