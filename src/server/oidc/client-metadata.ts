import type { ClientMetadata } from 'oidc-provider';
import { OIDC_SCOPES } from '../../model/scopes.ts';
import type { CurrentClientApplication } from '../store/client-applications.ts';

// How a stored ClientApplication becomes an OAuth client (SPEC §2, §5, §7). The resource is the
// single source of truth: nothing here is cached, so a change is in force on the next request.

/** The console's own client: static, public, first-party and pre-approved (SPEC §7). */
export const ADMIN_APP_CLIENT_ID = 'admin-app';

export const ADMIN_APP_SCOPE = 'openid profile email offline_access user/ClientApplication.cruds';

/**
 * The console's silent sign-in redirect URI: a full page load with no token in memory asks the OP
 * with prompt=none and the answer lands here, by a same-origin fetch that follows the redirect
 * (the console served by this server) or in a hidden iframe (a console hosted on another origin).
 * A static page of its own, not the SPA.
 */
export const ADMIN_APP_SILENT_CALLBACK_PATH = '/silent-callback.html';

/**
 * Custom client metadata holding the whole registered `scope`. oidc-provider's `scope` metadata
 * may only list its own (OpenID Connect) scopes, so SMART scopes travel here and are enforced by
 * scope-policy.ts.
 */
export const REGISTERED_SCOPE = 'registered_scope';

function scopeMetadata(registered: string | undefined) {
  const tokens = [...new Set((registered ?? '').split(/\s+/).filter(Boolean))];
  const oidc = tokens.filter((t) => (OIDC_SCOPES as readonly string[]).includes(t));
  return { ...(oidc.length ? { scope: oidc.join(' ') } : {}), [REGISTERED_SCOPE]: tokens.join(' ') };
}

export function adminAppMetadata(publicUrl: string): ClientMetadata {
  return {
    client_id: ADMIN_APP_CLIENT_ID,
    client_name: 'Client Admin console',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // Both matched exactly (RFC 9700 §4.1.3): the redirect round trip, and silent sign-in.
    redirect_uris: [`${publicUrl}/callback`, `${publicUrl}${ADMIN_APP_SILENT_CALLBACK_PATH}`],
    post_logout_redirect_uris: [`${publicUrl}/`],
    ...scopeMetadata(ADMIN_APP_SCOPE),
  };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * oidc-provider's `native` application type (RFC 8252) accepts private-use schemes and lets an
 * http loopback redirect use any port (§7.3), but refuses https on loopback; `web` takes http(s)
 * only. A client is native when it has a native-only URI and every URI is valid for a native app.
 */
function applicationType(redirectUris: readonly string[]): 'web' | 'native' {
  const kind = (uri: string) => {
    const url = URL.parse(uri);
    if (!url) return 'invalid';
    if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname) ? 'loopback-http' : 'web';
    if (url.protocol === 'https:') return LOOPBACK_HOSTS.has(url.hostname) ? 'loopback-https' : 'web';
    return 'private-use';
  };
  const kinds = redirectUris.map(kind);
  const hasNativeOnly = kinds.some((k) => k === 'loopback-http' || k === 'private-use');
  return hasNativeOnly && kinds.every((k) => k !== 'loopback-https' && k !== 'invalid') ? 'native' : 'web';
}

export function toClientMetadata(current: CurrentClientApplication | undefined): ClientMetadata | undefined {
  const resource = current?.resource;
  if (!current || !resource?.id) return undefined;
  const isConfidential = current.secretHash !== null;
  // basic_auth is Haste Health's, not an OAuth grant: it is honoured by the FHIR API itself.
  const grantTypes = resource.grantType.filter((g) => g !== 'basic_auth');
  const hasCode = grantTypes.includes('authorization_code');
  const redirectUris = hasCode ? [...(resource.redirectUri ?? [])] : [];
  const display = Object.fromEntries(
    Object.entries({
      logo_uri: resource.logoUri,
      client_uri: resource.uri,
      tos_uri: resource.tosUri,
      policy_uri: resource.policyUri,
    }).filter(([, value]) => value !== undefined),
  );
  return {
    client_id: resource.id,
    client_name: resource.name,
    // The stored hash (secret-hash.ts) stands in for the secret: compareClientSecret (provider.ts)
    // verifies the presented secret against it. It never leaves the server, and no HMAC
    // algorithm that would key on it is enabled (enabledJWA in provider.ts).
    ...(isConfidential ? { client_secret: current.secretHash as string } : {}),
    // Either form of client_secret_* is accepted whichever is registered (RFC 6749 §2.3.1).
    token_endpoint_auth_method: isConfidential ? 'client_secret_basic' : 'none',
    grant_types: grantTypes,
    // Only `code` is ever issued, whatever `responseTypes` says (SPEC §2).
    response_types: hasCode ? ['code'] : [],
    redirect_uris: redirectUris,
    application_type: applicationType(redirectUris),
    ...scopeMetadata(resource.scope),
    ...display,
  };
}
