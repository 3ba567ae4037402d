import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, fhirBaseUrl, loadConfig, oidcIssuer } from './config.ts';

describe('configuration from the environment', () => {
  it('has embedded defaults for a fresh machine', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:8080',
      dataDir: path.resolve('data'),
      tenant: 'default',
      project: 'default',
      seedBundle: undefined,
    });
    expect(fhirBaseUrl(config)).toBe('http://localhost:8080/w/default/default/api/v1/fhir/r4');
  });

  it('derives PUBLIC_URL from PORT and strips a trailing slash from an explicit one', () => {
    expect(loadConfig({ PORT: '9000' }).publicUrl).toBe('http://localhost:9000');
    expect(loadConfig({ PUBLIC_URL: 'https://admin.example.com/' }).publicUrl).toBe('https://admin.example.com');
  });

  it('fails with a readable list naming every bad variable and its value', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', PUBLIC_URL: 'ftp://x', TENANT: 'a b', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toMatch(/PORT: must be a whole number \(got "eighty"\)/);
    expect(message).toMatch(/PUBLIC_URL: must be an absolute http\(s\) URL/);
    expect(message).toMatch(/TENANT: must be letters, digits and dashes/);
    expect(message).toMatch(/LOG_LEVEL/);
    expect((error as ConfigError).problems).toHaveLength(4);
  });
});

describe('loadConfig: the first admin and the issuer', () => {
  it('defaults ADMIN_EMAIL to admin@localhost and leaves the password to be generated', () => {
    const config = loadConfig({});
    expect(config.adminEmail).toBe('admin@localhost');
    expect(config.adminPassword).toBeUndefined();
    expect(oidcIssuer(config)).toBe('http://localhost:8080/w/default/default/api/v1/oidc');
  });

  it('refuses a short ADMIN_PASSWORD without echoing it, and a malformed ADMIN_EMAIL', () => {
    let error: unknown;
    try {
      loadConfig({ ADMIN_PASSWORD: 'hunter2', ADMIN_EMAIL: 'not an email' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('ADMIN_PASSWORD: must be at least 12 characters');
    expect(message).toContain('ADMIN_EMAIL');
    expect(message).not.toContain('hunter2');
  });
});
