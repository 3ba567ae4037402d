import { errors, type Client, type KoaContextWithOIDC } from 'oidc-provider';
import { REGISTERED_SCOPE } from './client-metadata.ts';
import { isScopeWithin, parseScope, parseScopeString, scopesOutside } from '../../model/scopes.ts';

// SPEC §3: a client is granted only scopes within its registered `scope`, compared semantically
// (`user/Patient.rs` is within `user/*.cruds`). oidc-provider checks its own (OpenID Connect)
// scopes against `client.scope` textually and silently drops any other scope it does not know,
// so SMART scopes are vetted here, where the FHIR resource server's scopes are resolved
// (RFC 8707): at authorize, and again at the token endpoint for every grant.

type Params = { scope?: string; grant_type?: string };
type ScopedEntity = { scope?: string } | undefined;

function tokens(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(/\s+/).filter(Boolean))];
}

export function registeredScopeOf(client: Client): string {
  const registered = (client as unknown as Record<string, unknown>)[REGISTERED_SCOPE];
  return typeof registered === 'string' ? registered : '';
}

/** SMART (non-OpenID) scopes among `candidates` that the registered scope covers. */
export function resourceScopesWithin(candidates: string, registered: string): string[] {
  const allowed = parseScopeString(registered).scopes;
  return tokens(candidates).filter((token) => {
    const parsed = parseScope(token);
    return parsed.ok && parsed.scope.kind !== 'oidc' && isScopeWithin(parsed.scope, allowed);
  });
}

/**
 * The scopes the access token for the FHIR API may carry in this request. A scope parameter
 * outside the client's registration is refused with `invalid_scope` (RFC 6749 §3.3, §5.2);
 * client_credentials without one gets the client's registered scope.
 */
export function requestedResourceScopes(ctx: KoaContextWithOIDC, client: Client): string[] {
  const registered = registeredScopeOf(client);
  const params = ctx.oidc.params as Params | undefined;
  const explicit = params?.scope;
  if (explicit !== undefined) {
    const outside = scopesOutside(explicit, registered);
    if (outside.length) {
      throw new errors.InvalidScope(`requested scope is not allowed for this client: ${outside.join(' ')}`, outside.join(' '));
    }
    return resourceScopesWithin(explicit, registered);
  }
  if (params?.grant_type === 'client_credentials') {
    if (params && registered) params.scope = tokens(registered).join(' ');
    return resourceScopesWithin(registered, registered);
  }
  // Code and refresh token exchanges: what was granted, re-checked against today's registration.
  const entities = ctx.oidc.entities as { AuthorizationCode?: ScopedEntity; RefreshToken?: ScopedEntity };
  const granted = entities.AuthorizationCode?.scope ?? entities.RefreshToken?.scope ?? '';
  return resourceScopesWithin(granted, registered);
}
