import { createFhirClient, type FhirClient } from '../fhir/client.ts';
import { FhirError } from '../fhir/fhir-error.ts';
import { assertSafeTransport, createTokenProvider } from './auth.ts';
import {
  configFilePath,
  profileName,
  readConfigFile,
  resolveSettings,
  type ResolvedSettings,
  type Settings,
} from './config.ts';
import { CliError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import { readSecret, type CliIo } from './io.ts';

// From flags, environment and profile to a FHIR client that authenticates with client_credentials.

export interface ConnectionOptions {
  fhirUrl?: string | undefined;
  issuer?: string | undefined;
  clientId?: string | undefined;
  clientSecretStdin?: boolean | undefined;
  profile?: string | undefined;
  allowHttp?: boolean | undefined;
}

export interface Connection {
  client: FhirClient;
  hasCredentials: boolean;
}

const HOW_TO_CONFIGURE = 'pass --fhir-url, set CLIENT_ADMIN_FHIR_URL, or run `client-admin config set fhir-url URL`';
const HOW_TO_AUTHENTICATE =
  'set CLIENT_ADMIN_CLIENT_ID and CLIENT_ADMIN_CLIENT_SECRET, or run `client-admin config set client-id ID` and `client-admin config set client-secret`';

/** The selected profile of the config file (warning on stderr when it is readable by others). */
export function loadProfile(options: ConnectionOptions, io: CliIo): Settings {
  const profile = profileName(options.profile, io.env);
  const loaded = readConfigFile(configFilePath(io.env));
  if (loaded.warning) io.stderr.write(`client-admin: warning: ${loaded.warning}\n`);
  return loaded.file.profiles[profile] ?? {};
}

export function resolveConnectionSettings(
  options: ConnectionOptions,
  io: CliIo,
  profile: Settings,
  clientSecret?: string,
): ResolvedSettings {
  return resolveSettings({
    flags: { fhirUrl: options.fhirUrl, issuer: options.issuer, clientId: options.clientId, clientSecret },
    env: io.env,
    profile,
  });
}

export async function connect(options: ConnectionOptions, io: CliIo): Promise<Connection> {
  // The profile first, so a broken config file is reported before we wait on stdin.
  const profile = loadProfile(options, io);
  const secretFromStdin = options.clientSecretStdin ? await readSecret(io, 'Client secret: ') : undefined;
  const settings = resolveConnectionSettings(options, io, profile, secretFromStdin);

  const fhirUrl = settings.fhirUrl?.value;
  if (fhirUrl === undefined) throw new CliError(EXIT.usage, `no FHIR URL is configured: ${HOW_TO_CONFIGURE}`);
  if (!URL.canParse(fhirUrl) || !/^https?:$/.test(new URL(fhirUrl).protocol)) {
    throw new CliError(EXIT.usage, `the FHIR URL "${fhirUrl}" (${settings.fhirUrl?.source}) is not an absolute http(s) URL`);
  }
  const clientId = settings.clientId?.value;
  const clientSecret = settings.clientSecret?.value;
  if (clientId === undefined && clientSecret !== undefined) {
    throw new CliError(EXIT.usage, `a client secret is configured but no client ID: ${HOW_TO_AUTHENTICATE}`);
  }
  if (clientId !== undefined && clientSecret === undefined) {
    throw new CliError(EXIT.usage, `no client secret is configured for client "${clientId}": pass --client-secret-stdin, ${HOW_TO_AUTHENTICATE.replace('set CLIENT_ADMIN_CLIENT_ID and ', 'set ')}`);
  }

  if (clientId === undefined || clientSecret === undefined) {
    // No credentials: anonymous requests (a server may serve `metadata` without a token).
    return { client: createFhirClient({ baseUrl: fhirUrl, ...(io.fetch ? { fetch: io.fetch } : {}) }), hasCredentials: false };
  }
  assertSafeTransport(fhirUrl, 'the FHIR URL', options.allowHttp);
  const getAccessToken = createTokenProvider({
    fhirUrl,
    issuer: settings.issuer?.value,
    clientId,
    clientSecret,
    allowHttp: options.allowHttp === true,
    ...(io.fetch ? { fetch: io.fetch } : {}),
  });
  return {
    client: createFhirClient({ baseUrl: fhirUrl, getAccessToken, ...(io.fetch ? { fetch: io.fetch } : {}) }),
    hasCredentials: true,
  };
}

/** A 401 without configured credentials gets a hint on how to configure them. */
export function explainAuthFailure(error: unknown, connection: Connection | undefined): unknown {
  if (connection && !connection.hasCredentials && error instanceof FhirError && error.status === 401) {
    return new CliError(EXIT.auth, `${error.message} (no client credentials are configured: ${HOW_TO_AUTHENTICATE})`, {
      status: error.status,
    });
  }
  return error;
}
