import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CliError } from './errors.ts';
import { EXIT } from './exit-codes.ts';

// Configuration precedence: flags > environment > the profile file that `config set` writes.
// The file lives in the user's config directory ($XDG_CONFIG_HOME/client-admin/config.json, else
// ~/.config/client-admin/config.json; %APPDATA% on Windows), is written atomically with mode 0600
// in a 0700 directory (like ~/.ssh), and holds named profiles so one machine can reach several
// servers (`--profile prod`).

export type Env = Record<string, string | undefined>;

export interface Settings {
  fhirUrl?: string | undefined;
  issuer?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}
export type SettingName = keyof Settings;

export interface SettingInfo {
  name: SettingName;
  /** The key `config set` takes. */
  key: string;
  env: string;
  isSecret: boolean;
  description: string;
}

export const SETTINGS: readonly SettingInfo[] = [
  {
    name: 'fhirUrl',
    key: 'fhir-url',
    env: 'CLIENT_ADMIN_FHIR_URL',
    isSecret: false,
    description: 'FHIR R4 base URL, e.g. https://host/w/default/default/api/v1/fhir/r4',
  },
  {
    name: 'issuer',
    key: 'issuer',
    env: 'CLIENT_ADMIN_ISSUER',
    isSecret: false,
    description: "OpenID issuer (default: the token endpoint in the FHIR server's SMART configuration)",
  },
  { name: 'clientId', key: 'client-id', env: 'CLIENT_ADMIN_CLIENT_ID', isSecret: false, description: 'client_credentials client ID' },
  {
    name: 'clientSecret',
    key: 'client-secret',
    env: 'CLIENT_ADMIN_CLIENT_SECRET',
    isSecret: true,
    description: 'client secret (never given as an argument: read from stdin or a hidden prompt)',
  },
];

export const PROFILE_ENV = 'CLIENT_ADMIN_PROFILE';
export const DEFAULT_PROFILE = 'default';
const PROFILE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function settingByKey(key: string): SettingInfo | undefined {
  return SETTINGS.find((s) => s.key === key);
}

const ProfileSchema = z
  .object({
    fhirUrl: z.string().optional(),
    issuer: z.string().optional(),
    clientId: z.string().optional(),
    clientSecret: z.string().optional(),
  })
  .loose();

const ConfigFileSchema = z
  .object({ profiles: z.record(z.string(), ProfileSchema).default({}) })
  .loose();
export type ConfigFile = z.infer<typeof ConfigFileSchema>;

/** The directory `config set` writes to. `env` is the process environment (tests pass their own). */
export function configDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  const xdg = env.XDG_CONFIG_HOME;
  // XDG Base Directory spec: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'client-admin');
  if (platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'client-admin');
  const home = env.HOME || os.homedir();
  return path.join(home, '.config', 'client-admin');
}

export function configFilePath(env: Env, platform?: NodeJS.Platform): string {
  return path.join(configDir(env, platform), 'config.json');
}

export function profileName(flag: string | undefined, env: Env): string {
  const name = flag ?? nonEmpty(env[PROFILE_ENV]) ?? DEFAULT_PROFILE;
  if (!PROFILE_NAME.test(name)) {
    throw new CliError(EXIT.usage, `profile name "${name}" must be 1 to 64 letters, digits, ".", "_" or "-"`);
  }
  return name;
}

export interface LoadedConfigFile {
  file: ConfigFile;
  /** Set when the file holds a secret but others may read it. */
  warning?: string;
}

export function readConfigFile(file: string): LoadedConfigFile {
  let text: string;
  let mode: number;
  try {
    text = fs.readFileSync(file, 'utf8');
    mode = fs.statSync(file).mode;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { file: { profiles: {} } };
    throw new CliError(EXIT.usage, `cannot read the config file ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(EXIT.usage, `the config file ${file} is not valid JSON: fix it, or delete it and run \`client-admin config set\``);
  }
  const parsed = ConfigFileSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'top level';
    throw new CliError(EXIT.usage, `the config file ${file} has an unexpected shape (at ${where}): fix it, or delete it`);
  }
  const hasSecret = Object.values(parsed.data.profiles).some((p) => p.clientSecret !== undefined);
  const isShared = process.platform !== 'win32' && (mode & 0o077) !== 0;
  return {
    file: parsed.data,
    ...(hasSecret && isShared
      ? { warning: `the config file ${file} holds a client secret but other users may read it: run chmod 600 ${file}` }
      : {}),
  };
}

/** Writes atomically (temp file + rename), the file 0600 and its directory 0700. */
export function writeConfigFile(file: string, config: ConfigFile): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The directory is ours alone (it is named after the tool): tighten it even if it existed.
  fs.chmodSync(dir, 0o700);
  const temp = path.join(dir, `.config.json.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    fs.renameSync(temp, file);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw new CliError(EXIT.usage, `cannot write the config file ${file}: ${(e as Error).message}`);
  }
}

export type SettingSource = 'flag' | 'environment' | 'config file';
export type ResolvedSettings = { [K in SettingName]?: { value: string; source: SettingSource } };

/** flags > environment > profile, per setting. Empty values count as unset (`VAR= cmd`). */
export function resolveSettings(layers: { flags: Settings; env: Env; profile: Settings }): ResolvedSettings {
  const resolved: ResolvedSettings = {};
  for (const setting of SETTINGS) {
    const fromFlag = nonEmpty(layers.flags[setting.name]);
    const fromEnv = nonEmpty(layers.env[setting.env]);
    const fromFile = nonEmpty(layers.profile[setting.name]);
    if (fromFlag !== undefined) resolved[setting.name] = { value: fromFlag, source: 'flag' };
    else if (fromEnv !== undefined) resolved[setting.name] = { value: fromEnv, source: 'environment' };
    else if (fromFile !== undefined) resolved[setting.name] = { value: fromFile, source: 'config file' };
  }
  return resolved;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
