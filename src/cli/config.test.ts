import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDir, configFilePath, profileName, readConfigFile, resolveSettings, writeConfigFile } from './config.ts';
import { CliError } from './errors.ts';
import { EXIT } from './exit-codes.ts';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'client-admin-config-'));
}

describe('where the profile file lives', () => {
  it('uses $XDG_CONFIG_HOME, else ~/.config (a relative XDG_CONFIG_HOME is ignored, as the spec says)', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x/conf', HOME: '/home/u' }, 'linux')).toBe('/x/conf/client-admin');
    expect(configDir({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.config/client-admin');
    expect(configDir({ XDG_CONFIG_HOME: 'relative', HOME: '/home/u' }, 'linux')).toBe('/home/u/.config/client-admin');
    expect(configFilePath({ HOME: '/home/u' }, 'darwin')).toBe('/home/u/.config/client-admin/config.json');
  });

  it('takes the profile from the flag, then CLIENT_ADMIN_PROFILE, else "default"', () => {
    expect(profileName('prod', { CLIENT_ADMIN_PROFILE: 'staging' })).toBe('prod');
    expect(profileName(undefined, { CLIENT_ADMIN_PROFILE: 'staging' })).toBe('staging');
    expect(profileName(undefined, { CLIENT_ADMIN_PROFILE: '' })).toBe('default');
    expect(() => profileName('../etc', {})).toThrow(CliError);
  });
});

describe('resolveSettings', () => {
  const profile = { fhirUrl: 'https://file/fhir', issuer: 'https://file/oidc', clientId: 'file-client', clientSecret: 'file-secret' };

  it('prefers flags over the environment over the file, per setting', () => {
    const resolved = resolveSettings({
      flags: { fhirUrl: 'https://flag/fhir' },
      env: { CLIENT_ADMIN_FHIR_URL: 'https://env/fhir', CLIENT_ADMIN_CLIENT_ID: 'env-client', CLIENT_ADMIN_CLIENT_SECRET: '' },
      profile,
    });
    expect(resolved).toEqual({
      fhirUrl: { value: 'https://flag/fhir', source: 'flag' },
      issuer: { value: 'https://file/oidc', source: 'config file' },
      clientId: { value: 'env-client', source: 'environment' },
      // An empty variable counts as unset, as in `CLIENT_ADMIN_CLIENT_SECRET= client-admin …`.
      clientSecret: { value: 'file-secret', source: 'config file' },
    });
  });

  it('leaves out what nobody set', () => {
    expect(resolveSettings({ flags: {}, env: {}, profile: {} })).toEqual({});
  });
});

describe('the profile file', () => {
  it('is written with mode 0600 in a directory of mode 0700, and read back', () => {
    const file = path.join(tempDir(), 'xdg', 'client-admin', 'config.json');
    const config = { profiles: { default: { fhirUrl: 'https://h/fhir', clientSecret: 's3cret-value' } } };
    writeConfigFile(file, config);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(readConfigFile(file)).toEqual({ file: config });
    // Atomic: no temporary file is left beside it.
    expect(fs.readdirSync(path.dirname(file))).toEqual(['config.json']);
  });

  it('tightens a directory that exists with looser permissions', () => {
    const dir = path.join(tempDir(), 'client-admin');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    writeConfigFile(path.join(dir, 'config.json'), { profiles: {} });
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('is empty when missing', () => {
    expect(readConfigFile(path.join(tempDir(), 'none.json'))).toEqual({ file: { profiles: {} } });
  });

  it('warns when others may read a file that holds a secret', () => {
    const file = path.join(tempDir(), 'config.json');
    fs.writeFileSync(file, JSON.stringify({ profiles: { default: { clientSecret: 'x' } } }), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(readConfigFile(file).warning).toMatch(/other users may read it: run chmod 600/);
  });

  it('is a usage error when it is not JSON or has the wrong shape, without quoting it', () => {
    const file = path.join(tempDir(), 'config.json');
    fs.writeFileSync(file, '{"profiles": {"default": {"clientSecret": "leak-me"');
    const error = (() => {
      try {
        readConfigFile(file);
      } catch (e) {
        return e as CliError;
      }
      throw new Error('expected an error');
    })();
    expect(error.exitCode).toBe(EXIT.usage);
    expect(error.message).not.toContain('leak-me');
    fs.writeFileSync(file, '{"profiles": {"default": {"fhirUrl": 42}}}');
    expect(() => readConfigFile(file)).toThrow(/unexpected shape \(at profiles\.default\.fhirUrl\)/);
  });
});
