import type Provider from 'oidc-provider';
import { OIDC_SCOPES } from '../../model/scopes.ts';

// SMART App Launch 2.2 discovery (https://hl7.org/fhir/smart-app-launch/conformance.html):
// served at {fhirBase}/.well-known/smart-configuration without a token. The endpoints are
// oidc-provider's own, so the document cannot drift from what the provider serves.

export function smartConfiguration(provider: Provider, issuer: string) {
  return {
    issuer,
    jwks_uri: provider.urlFor('jwks'),
    authorization_endpoint: provider.urlFor('authorization'),
    token_endpoint: provider.urlFor('token'),
    userinfo_endpoint: provider.urlFor('userinfo'),
    introspection_endpoint: provider.urlFor('introspection'),
    revocation_endpoint: provider.urlFor('revocation'),
    end_session_endpoint: provider.urlFor('end_session'),
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    response_types_supported: ['code'],
    scopes_supported: [
      ...OIDC_SCOPES,
      'user/ClientApplication.cruds',
      'user/*.cruds',
      'system/ClientApplication.cruds',
      'system/*.cruds',
    ],
    code_challenge_methods_supported: ['S256'],
    capabilities: [
      'launch-standalone',
      'authorize-post',
      'client-public',
      'client-confidential-symmetric',
      'sso-openid-connect',
      'permission-offline',
      'permission-user',
      'permission-v1',
      'permission-v2',
    ],
  };
}
