import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { connect, explainAuthFailure, type ConnectionOptions } from '../connection.ts';
import { CliError } from '../errors.ts';
import { EXIT, EXIT_CODE_HELP } from '../exit-codes.ts';
import { writeJson, type CliIo } from '../io.ts';
import { buildNewClient, CLIENT_TYPES, generateClientSecret, isConfidentialType, type ClientType } from '../new-client.ts';
import { redactSecrets } from '../redact.ts';
import { addConnectionOptions, addOutputOptions, type OutputOptions } from './options.ts';

// `client-admin clients new`: register a client from an app type, generating its secret here.
// The secret is shown exactly once and never on stdout, so `clients new … > client.json` or
// `| jq` cannot capture it by accident: it goes to stderr between clear markers, or with
// --secret-file to a new file only the user can read (for CI and infrastructure code).

interface NewFlags extends ConnectionOptions, OutputOptions {
  type: ClientType;
  id: string;
  name: string;
  scope?: string[];
  redirectUri?: string[];
  description?: string;
  public?: boolean;
  secretFile?: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function registerClientsCommands(program: Command, io: CliIo): void {
  const clients = program.command('clients').description('register client applications from an app type');

  addOutputOptions(
    addConnectionOptions(
      clients
        .command('new')
        .description(
          'create a ClientApplication for a backend service, a web app or a native app; confidential types get a generated 256-bit secret, shown once',
        )
        .addOption(new Option('--type <type>', 'backend (client_credentials), web (sign-in, confidential) or native (sign-in, public)').choices(CLIENT_TYPES).makeOptionMandatory())
        .requiredOption('--id <id>', 'the client ID (FHIR id: letters, digits, "-" and ".", at most 64)')
        .requiredOption('--name <name>', 'shown on sign-in and consent pages')
        .option('--scope <scopes>', 'allowed scopes, space-separated or repeated (default: per type, see below)', collect)
        .option('--redirect-uri <uri>', 'a redirect URI (repeat for several; web and native need one)', collect)
        .option('--description <text>', 'a description for admins')
        .option('--public', 'web only: no secret (a browser-only app using PKCE)')
        .option('--secret-file <path>', 'write the secret to this new file (mode 600) instead of stderr'),
    ),
  )
    .addHelpText(
      'after',
      `
Defaults per type:
  backend  grantType client_credentials; secret; scope "system/*.rs"
  web      grantType authorization_code refresh_token; secret (unless --public);
           scope "openid profile fhirUser offline_access launch/patient patient/*.rs"
  native   grantType authorization_code refresh_token; no secret;
           scope "openid profile fhirUser offline_access patient/*.rs"

The resource (without its secret) is printed on stdout. The secret is printed once on stderr
between "BEGIN CLIENT SECRET" and "END CLIENT SECRET" lines, or written to --secret-file. The
server keeps only a hash of it: it cannot be shown again (rotate it with api patch instead).

Examples:
  $ client-admin clients new --type backend --id billing-sync --name "Billing sync" --scope "system/ClientApplication.rs" > billing-sync.json
  $ client-admin clients new --type web --id portal --name "Patient Portal" --redirect-uri https://portal.example.com/callback --secret-file portal.secret
  $ client-admin clients new --type native --id mobile --name "Mobile app" --redirect-uri com.example.mobile:/callback

${EXIT_CODE_HELP}
`,
    )
    .action(async (flags: NewFlags) => {
      const options = {
        type: flags.type,
        id: flags.id,
        name: flags.name,
        scope: flags.scope,
        redirectUri: flags.redirectUri,
        description: flags.description,
        isPublic: flags.public,
      };
      const secret = isConfidentialType(options) ? generateClientSecret() : undefined;
      const resource = buildNewClient(options, secret);
      if (secret === undefined && flags.secretFile !== undefined) {
        throw new CliError(EXIT.usage, `a ${flags.type}${flags.public ? ' --public' : ''} client has no secret: drop --secret-file`);
      }
      // Claim the secret file before creating the client, so a clash cannot lose the secret.
      const secretFile = flags.secretFile === undefined ? undefined : openSecretFile(flags.secretFile);

      const connection = await connect(flags, io).catch((e: unknown) => {
        secretFile?.discard();
        throw e;
      });
      let created;
      try {
        // The untyped call on purpose: once the server has said 201 the secret must be shown,
        // even if a laxer server's answer would fail our strict schema (createClientApplication).
        created = await connection.client.createWithId('ClientApplication', { ...resource, resourceType: 'ClientApplication' });
      } catch (e) {
        secretFile?.discard();
        throw explainAuthFailure(e, connection);
      }
      writeJson(io, redactSecrets(created.resource), flags.pretty);
      if (secret === undefined) {
        io.stderr.write(`client-admin: created public client "${flags.id}" (no secret)\n`);
      } else if (secretFile) {
        secretFile.write(secret);
        io.stderr.write(`client-admin: created "${flags.id}"; its secret is in ${flags.secretFile} (readable only by you, shown nowhere else)\n`);
      } else {
        io.stderr.write(
          [
            `client-admin: created "${flags.id}". Its secret is shown only this once; store it now (the server keeps only a hash):`,
            '-----BEGIN CLIENT SECRET-----',
            secret,
            '-----END CLIENT SECRET-----',
            '',
          ].join('\n'),
        );
      }
    });
}

function openSecretFile(file: string): { write: (secret: string) => void; discard: () => void } {
  let fd: number;
  try {
    // `wx`: never overwrite (another client's secret may be there); 0600: only the user reads it.
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(EXIT.usage, `cannot create --secret-file ${file}: ${code === 'EEXIST' ? 'it already exists' : (e as Error).message}`);
  }
  return {
    write: (secret) => {
      fs.writeSync(fd, `${secret}\n`);
      fs.closeSync(fd);
    },
    discard: () => {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
    },
  };
}
