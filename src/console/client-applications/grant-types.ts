import type { GrantType } from '../../model/client-application.ts';

export const GRANT_TYPE_LABELS: Record<GrantType, string> = {
  client_credentials: 'client_credentials',
  authorization_code: 'authorization_code',
  refresh_token: 'refresh_token',
  basic_auth: 'basic_auth',
};

export const GRANT_TYPE_DESCRIPTIONS: Record<GrantType, string> = {
  client_credentials: 'The app signs in as itself with its client secret (backend services).',
  authorization_code: 'Users sign in through the browser and the app receives a code (with PKCE).',
  refresh_token: 'The app may stay signed in with refresh tokens (needs authorization_code).',
  basic_auth: 'The app may send its ID and secret with HTTP Basic authentication.',
};
