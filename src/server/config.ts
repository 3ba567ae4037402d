import path from 'node:path';
import { z } from 'zod';

// All configuration comes from the environment and is validated once at start (STYLE.md);
// an invalid value stops the server with a readable list instead of a stack trace.

const SegmentSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/, 'must be letters, digits and dashes (at most 63)');

const EnvSchema = z.object({
  PORT: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(8080),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL such as https://admin.example.com' })
    .refine((u) => URL.canParse(u) && !new URL(u).search && !new URL(u).hash, 'must not contain a query or fragment')
    .optional(),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  TENANT: SegmentSchema.default('default'),
  PROJECT: SegmentSchema.default('default'),
  SEED_BUNDLE: z.string().min(1, 'must be a file path').optional(),
  // The HTML5 grammar (what a browser's type=email accepts), so the default admin@localhost is valid.
  ADMIN_EMAIL: z.email({ pattern: z.regexes.html5Email, error: 'must be an email address such as admin@example.com' }).default('admin@localhost'),
  // Only read when the first admin is created; a generated one is printed once otherwise.
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  port: number;
  host: string;
  /** Origin (and optional path prefix) the browser and clients use, without a trailing slash. */
  publicUrl: string;
  dataDir: string;
  tenant: string;
  project: string;
  seedBundle: string | undefined;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** The first admin, created on first start. */
  adminEmail: string;
  adminPassword: string | undefined;
};

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set", as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(
    Object.keys(EnvSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0]);
        // A password is never echoed back, even when it is the invalid value.
        const got = key === 'ADMIN_PASSWORD' ? 'a value' : JSON.stringify(present[key]);
        return `${key}: ${i.message} (got ${got})`;
      }),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    dataDir: path.resolve(e.DATA_DIR),
    tenant: e.TENANT,
    project: e.PROJECT,
    seedBundle: e.SEED_BUNDLE === undefined ? undefined : path.resolve(e.SEED_BUNDLE),
    logLevel: e.LOG_LEVEL,
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
  };
}

/** Path prefix of one Haste Health project: `/w/{tenant}/{project}/api/v1`. */
export function projectPath(config: Pick<Config, 'tenant' | 'project'>): string {
  return `/w/${config.tenant}/${config.project}/api/v1`;
}

export function fhirBasePath(config: Pick<Config, 'tenant' | 'project'>): string {
  return `${projectPath(config)}/fhir/r4`;
}

export function fhirBaseUrl(config: Pick<Config, 'tenant' | 'project' | 'publicUrl'>): string {
  return `${config.publicUrl}${fhirBasePath(config)}`;
}

/** The OpenID Connect issuer of the project (SPEC §6): `{PUBLIC_URL}/w/{tenant}/{project}/api/v1/oidc`. */
export function oidcIssuerPath(config: Pick<Config, 'tenant' | 'project'>): string {
  return `${projectPath(config)}/oidc`;
}

export function oidcIssuer(config: Pick<Config, 'tenant' | 'project' | 'publicUrl'>): string {
  return `${config.publicUrl}${oidcIssuerPath(config)}`;
}
