import { describe, expect, it } from 'vitest';
import { DEFAULT_SCOPES, parseConsoleConfig } from './config.ts';

const origin = 'https://admin.example.com';

describe('parseConsoleConfig', () => {
  it('fills every default from the embedded server layout', () => {
    expect(parseConsoleConfig({}, origin)).toEqual({
      ok: true,
      config: {
        fhirBaseUrl: 'https://admin.example.com/w/default/default/api/v1/fhir/r4',
        issuer: 'https://admin.example.com/w/default/default/api/v1/oidc',
        clientId: 'admin-app',
        scopes: DEFAULT_SCOPES,
      },
    });
  });

  it('derives the issuer beside a configured FHIR base, and accepts scopes as a list', () => {
    const result = parseConsoleConfig({ fhirBaseUrl: 'https://hh.example/w/t1/p1/api/v1/fhir/r4/', scopes: ['openid', 'user/*.*'] }, origin);
    expect(result.ok && result.config.issuer).toBe('https://hh.example/w/t1/p1/api/v1/oidc');
    expect(result.ok && result.config.scopes).toBe('openid user/*.*');
  });

  it('lists every problem in words', () => {
    const result = parseConsoleConfig({ fhirBaseUrl: 'ftp://x', clientId: 'a b', scopes: 'profile' }, origin);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      '"fhirBaseUrl" must be an http(s) URL.',
      '"clientId" must be a client ID such as "admin-app".',
      '"scopes" must be a space-separated string (or a list) that includes "openid".',
    ]);
    expect(parseConsoleConfig([], origin).ok).toBe(false);
  });

  it('takes the issuer\'s discovery document when served with the settings, and refuses another issuer\'s', () => {
    const issuer = 'https://admin.example.com/w/default/default/api/v1/oidc';
    const metadata = { issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, end_session_endpoint: `${issuer}/session/end` };
    const result = parseConsoleConfig({ metadata }, origin);
    expect(result.ok && result.config.metadata).toEqual(metadata);

    const other = parseConsoleConfig({ metadata: { ...metadata, issuer: 'https://evil.example', token_endpoint: 'javascript:alert(1)' } }, origin);
    expect(!other.ok && other.problems).toEqual([
      `"metadata.issuer" must be the issuer, ${issuer}.`,
      '"metadata.token_endpoint" must be an absolute http(s) URL.',
    ]);
    expect(parseConsoleConfig({ metadata: 'x' }, origin).ok).toBe(false);
  });
});
