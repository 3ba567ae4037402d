import type { GrantType } from '../../../model/client-application.ts';
import type { ClientApplicationFormValues } from './form-values.ts';

// App-type presets (issue 4 §4). A preset only fills values; it is not stored, and every value
// stays editable. Defaults follow the OAuth 2.0 Security BCP (RFC 9700) and, for native apps,
// RFC 8252 (loopback and private-use scheme redirects).

export const PRESETS = ['backend', 'web', 'native', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];

export const PRESET_LABELS: Record<Preset, { title: string; summary: string }> = {
  backend: {
    title: 'Backend service',
    summary: 'A server that calls the FHIR API as itself, with a client secret (client_credentials, system scopes).',
  },
  web: {
    title: 'Web app / SPA',
    summary: 'A browser app that signs users in (authorization code with PKCE, refresh tokens, no secret).',
  },
  native: {
    title: 'Native app',
    summary: 'A desktop or mobile app that signs users in through the system browser (loopback or app-scheme redirect).',
  },
  custom: { title: 'Custom', summary: 'Start from nothing and choose every setting yourself.' },
};

type PresetValues = Pick<ClientApplicationFormValues, 'grantType' | 'isConfidential' | 'redirectUri' | 'scope'>;

const USER_GRANTS: GrantType[] = ['authorization_code', 'refresh_token'];

export function presetValues(preset: Preset): PresetValues {
  switch (preset) {
    case 'backend':
      return { grantType: ['client_credentials'], isConfidential: true, redirectUri: [], scope: ['system/*.rs'] };
    case 'web':
      return {
        grantType: USER_GRANTS,
        isConfidential: false,
        // The admin types the app's real address; an empty row shows where.
        redirectUri: [{ value: '' }],
        scope: ['openid', 'profile', 'fhirUser', 'offline_access', 'launch/patient', 'patient/*.rs'],
      };
    case 'native':
      return {
        grantType: USER_GRANTS,
        isConfidential: false,
        // RFC 8252 §7.3: the port of a loopback redirect may vary at authorize time.
        redirectUri: [{ value: 'http://127.0.0.1/callback' }],
        scope: ['openid', 'profile', 'fhirUser', 'offline_access', 'patient/*.rs'],
      };
    case 'custom':
      return { grantType: [], isConfidential: false, redirectUri: [], scope: [] };
  }
}

/** Which quickstart a stored client gets: backends authenticate themselves, the rest sign users in. */
export function clientKind(resource: { grantType: readonly GrantType[] }): 'backend' | 'user-facing' {
  return resource.grantType.includes('authorization_code') ? 'user-facing' : 'backend';
}
