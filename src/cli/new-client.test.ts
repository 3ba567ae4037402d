import { describe, expect, it } from 'vitest';
import { parseClientApplication } from '../model/client-application.ts';
import { CliError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import { buildNewClient, generateClientSecret, type NewClientOptions } from './new-client.ts';

function failure(options: NewClientOptions, secret?: string): CliError {
  try {
    buildNewClient(options, secret);
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

describe('generateClientSecret', () => {
  it('is 256 bits of base64url (43 characters), different every time', () => {
    const secrets = new Set(Array.from({ length: 50 }, generateClientSecret));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    }
  });
});

describe('buildNewClient', () => {
  const secret = generateClientSecret();

  it('makes a backend service a confidential client_credentials client', () => {
    const client = buildNewClient({ type: 'backend', id: 'billing-sync', name: 'Billing sync' }, secret);
    expect(client).toEqual({
      resourceType: 'ClientApplication',
      id: 'billing-sync',
      name: 'Billing sync',
      grantType: ['client_credentials'],
      responseTypes: 'token',
      secret,
      scope: 'system/*.rs',
    });
    expect(parseClientApplication(client).success).toBe(true);
  });

  it('makes a web app a confidential sign-in client, public with --public', () => {
    const options: NewClientOptions = {
      type: 'web',
      id: 'portal',
      name: 'Portal',
      redirectUri: ['https://portal.example.com/callback'],
      scope: ['openid profile', 'patient/*.rs', 'openid'],
    };
    expect(buildNewClient(options, secret)).toMatchObject({
      grantType: ['authorization_code', 'refresh_token'],
      responseTypes: 'code',
      secret,
      redirectUri: ['https://portal.example.com/callback'],
      // Space-separated or repeated, deduplicated.
      scope: 'openid profile patient/*.rs',
    });
    expect(buildNewClient({ ...options, isPublic: true }, undefined)).not.toHaveProperty('secret');
  });

  it('makes a native app public', () => {
    const client = buildNewClient({ type: 'native', id: 'mobile', name: 'Mobile', redirectUri: ['com.example.mobile:/cb'] }, undefined);
    expect(client).not.toHaveProperty('secret');
    expect(client.scope).toBe('openid profile fhirUser offline_access patient/*.rs');
  });

  it('refuses contradictory options as usage errors', () => {
    expect(failure({ type: 'web', id: 'w', name: 'W' }, secret).message).toMatch(/needs at least one --redirect-uri/);
    expect(failure({ type: 'backend', id: 'b', name: 'B', redirectUri: ['https://x.example.com/cb'] }, secret).exitCode).toBe(
      EXIT.usage,
    );
    expect(failure({ type: 'backend', id: 'b', name: 'B', isPublic: true }, secret).message).toMatch(/--public is for web apps/);
  });

  it("refuses what the server would refuse, in the model's words, before any request", () => {
    const badScope = failure({ type: 'backend', id: 'b', name: 'B', scope: ['system/*.dus'] }, secret);
    expect(badScope.exitCode).toBe(EXIT.invalid);
    expect(badScope.message).toContain('ClientApplication.scope');
    const badRedirect = failure({ type: 'native', id: 'n', name: 'N', redirectUri: ['http://example.com/cb'] }, undefined);
    expect(badRedirect.message).toContain('ClientApplication.redirectUri[0]');
    expect(failure({ type: 'backend', id: 'no spaces', name: 'B' }, secret).message).toContain('client ID');
  });
});
