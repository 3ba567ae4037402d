import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, fhirBaseUrl, loadConfig } from './config.ts';

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
