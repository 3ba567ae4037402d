import { describe, expect, it } from 'vitest';
import type { ClientApplication } from '../../model/client-application.ts';
import { toClientMetadata } from './client-metadata.ts';

const current = (resource: Partial<ClientApplication>, secretHash: string | null = null) => ({
  id: 'c',
  versionId: 1,
  lastUpdated: '2026-01-01T00:00:00.000Z',
  secretHash,
  resource: { resourceType: 'ClientApplication', id: 'c', name: 'C', responseTypes: 'code', grantType: ['authorization_code'], ...resource } as ClientApplication,
});

describe('toClientMetadata', () => {
  it('maps a confidential client: secret methods, OAuth grants only, code responses only', () => {
    const metadata = toClientMetadata(
      current({ grantType: ['client_credentials', 'basic_auth'], responseTypes: 'token', scope: 'openid system/*.*' }, '$argon2id$hash'),
    );
    expect(metadata).toMatchObject({
      client_id: 'c',
      client_name: 'C',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      scope: 'openid',
      registered_scope: 'openid system/*.*',
    });
  });

  it('maps a public client to auth method none, native when it uses a loopback or private-use redirect', () => {
    expect(toClientMetadata(current({ redirectUri: ['https://app.example.com/cb'] }))).toMatchObject({
      token_endpoint_auth_method: 'none',
      response_types: ['code'],
      application_type: 'web',
    });
    expect(toClientMetadata(current({ redirectUri: ['http://127.0.0.1/cb', 'com.example.app:/cb'] }))?.application_type).toBe('native');
    expect(toClientMetadata(current({ redirectUri: ['http://localhost:3000/cb', 'https://localhost/cb'] }))?.application_type).toBe('web');
  });

  it('maps a deleted or unknown client to nothing', () => {
    expect(toClientMetadata(undefined)).toBeUndefined();
    expect(toClientMetadata({ ...current({}), resource: null })).toBeUndefined();
  });
});
