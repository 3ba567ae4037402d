import { InvalidArgumentError, type Command } from 'commander';
import type { FhirClient } from '../../fhir/client.ts';
import { connect, explainAuthFailure, type ConnectionOptions } from '../connection.ts';
import { EXIT_CODE_HELP } from '../exit-codes.ts';
import { asCreateBody, asJsonPatch, asUpdateBody, parseJsonInput, parseSearchQuery, readBodyText } from '../input.ts';
import { writeJson, type CliIo } from '../io.ts';
import { redactSecrets } from '../redact.ts';
import {
  addBodyOptions,
  addConnectionOptions,
  addOutputOptions,
  fhirVersionArgument,
  idArgument,
  typeArgument,
  type BodyFlags,
  type OutputOptions,
} from './options.ts';

// `client-admin api …`: the FHIR REST interactions (https://hl7.org/fhir/R4/http.html), one
// subcommand each, in the shape of Haste Health's CLI (`api create r4 --data …`). Resources go to
// stdout as FHIR JSON; every failure is one line on stderr and a class exit code (errors.ts).

type Flags = ConnectionOptions & OutputOptions;

async function withClient<T>(flags: ConnectionOptions, io: CliIo, work: (client: FhirClient) => Promise<T>): Promise<T> {
  const connection = await connect(flags, io);
  try {
    return await work(connection.client);
  } catch (e) {
    throw explainAuthFailure(e, connection);
  }
}

/** Examples, then the exit codes, after a command's options. */
function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n\n${EXIT_CODE_HELP}\n`;
}

function withCommon(command: Command): Command {
  return addOutputOptions(addConnectionOptions(command));
}

export function registerApiCommands(program: Command, io: CliIo): void {
  const api = program
    .command('api')
    .description('call the FHIR REST API: create, read, update, patch, delete, search, history, capabilities')
    .addHelpText(
      'after',
      examples([
        `client-admin api create r4 --data '{"resourceType":"ClientApplication","id":"patient-portal",…}'`,
        'client-admin api read r4 ClientApplication patient-portal',
        'client-admin api search r4 ClientApplication name=Patient _count=10',
      ]),
    );

  withCommon(
    addBodyOptions(
      api
        .command('create')
        .description(
          'create a resource; with an "id" in the body, create exactly that id (PUT with If-None-Match: *; exit 5 if it exists), else POST',
        )
        .addArgument(fhirVersionArgument()),
      'the resource',
    ),
  )
    .addHelpText(
      'after',
      examples([
        `client-admin api create r4 --data '{"resourceType":"ClientApplication","id":"patient-portal","name":"Patient Portal","grantType":["authorization_code","refresh_token"],"responseTypes":"token","redirectUri":["https://portal.example.com/callback"],"scope":"openid profile email patient/*.read offline_access"}'`,
        'client-admin api create r4 --file cli.json    # a body with a "secret": keep it in a file, not in shell history',
        `client-admin api read r4 ClientApplication patient-portal | jq '.id = "portal-copy" | del(.meta)' | client-admin api create r4`,
      ]),
    )
    .action(async (_version: string, flags: Flags & BodyFlags) => {
      const body = await readBodyText(flags, io, { isStdinTaken: flags.clientSecretStdin === true });
      const resource = asCreateBody(parseJsonInput(body), body.source);
      const result = await withClient(flags, io, (client) =>
        resource.id ? client.createWithId(resource.resourceType, resource) : client.create(resource.resourceType, resource),
      );
      writeJson(io, redactSecrets(result.resource), flags.pretty);
    });

  withCommon(
    api
      .command('read')
      .description('read a resource (or one version of it with --version-id); a ClientApplication never shows its secret')
      .addArgument(fhirVersionArgument())
      .addArgument(typeArgument())
      .addArgument(idArgument())
      .option('--version-id <vid>', 'read this version (vread)'),
  )
    .addHelpText(
      'after',
      examples([
        'client-admin api read r4 ClientApplication my-backend-service',
        'client-admin api read r4 ClientApplication my-backend-service --version-id 2',
        "client-admin api read r4 ClientApplication cli | jq -r '.meta.versionId'",
      ]),
    )
    .action(async (_version: string, type: string, id: string, flags: Flags & { versionId?: string }) => {
      const result = await withClient(flags, io, (client) =>
        flags.versionId === undefined ? client.read(type, id) : client.vread(type, id, flags.versionId),
      );
      writeJson(io, redactSecrets(result.resource), flags.pretty);
    });

  withCommon(
    addBodyOptions(
      api
        .command('update')
        .description(
          'replace a resource (PUT); "resourceType" and "id" default to the arguments. A ClientApplication without "secret" keeps its secret; with one, the secret is rotated',
        )
        .addArgument(fhirVersionArgument())
        .addArgument(typeArgument())
        .addArgument(idArgument())
        .option('--if-match <etag>', 'only if the current version is this one (W/"3" or 3); exit 5 otherwise'),
      'the resource',
    ),
  )
    .addHelpText(
      'after',
      examples([
        'client-admin api update r4 ClientApplication patient-portal --file patient-portal.json',
        `client-admin api read r4 ClientApplication cli | jq '.name = "CLI (CI)"' | client-admin api update r4 ClientApplication cli --if-match 1`,
      ]),
    )
    .action(async (_version: string, type: string, id: string, flags: Flags & BodyFlags & { ifMatch?: string }) => {
      const body = await readBodyText(flags, io, { isStdinTaken: flags.clientSecretStdin === true });
      const resource = asUpdateBody(parseJsonInput(body), body.source, type, id);
      const result = await withClient(flags, io, (client) =>
        client.update(type, resource, flags.ifMatch === undefined ? {} : { ifMatch: flags.ifMatch }),
      );
      writeJson(io, redactSecrets(result.resource), flags.pretty);
    });

  withCommon(
    addBodyOptions(
      api
        .command('patch')
        .description('change a resource with a JSON Patch (RFC 6902) document')
        .addArgument(fhirVersionArgument())
        .addArgument(typeArgument())
        .addArgument(idArgument())
        .option('--if-match <etag>', 'only if the current version is this one (W/"3" or 3); exit 5 otherwise'),
      'the JSON Patch array',
    ),
  )
    .addHelpText(
      'after',
      examples([
        `client-admin api patch r4 ClientApplication patient-portal --data '[{"op":"replace","path":"/name","value":"Patient Portal (new)"}]'`,
        `client-admin api patch r4 ClientApplication cli --data '[{"op":"remove","path":"/secret"}]'   # make it public`,
      ]),
    )
    .action(async (_version: string, type: string, id: string, flags: Flags & BodyFlags & { ifMatch?: string }) => {
      const body = await readBodyText(flags, io, { isStdinTaken: flags.clientSecretStdin === true });
      const operations = asJsonPatch(parseJsonInput(body), body.source);
      const result = await withClient(flags, io, (client) =>
        client.patch(type, id, operations, flags.ifMatch === undefined ? {} : { ifMatch: flags.ifMatch }),
      );
      writeJson(io, redactSecrets(result.resource), flags.pretty);
    });

  addConnectionOptions(
    api
      .command('delete')
      .description('delete a resource; deleting a ClientApplication revokes it and every token it holds')
      .addArgument(fhirVersionArgument())
      .addArgument(typeArgument())
      .addArgument(idArgument()),
  )
    .addHelpText('after', examples(['client-admin api delete r4 ClientApplication patient-portal']))
    .action(async (_version: string, type: string, id: string, flags: ConnectionOptions) => {
      await withClient(flags, io, (client) => client.delete(type, id));
      // Nothing on stdout (there is no resource to print); a confirmation for the human.
      io.stderr.write(`client-admin: deleted ${type}/${id}\n`);
    });

  withCommon(
    api
      .command('search')
      .description('search a resource type; prints the searchset Bundle (one page: follow its next link or use _offset)')
      .addArgument(fhirVersionArgument())
      .addArgument(typeArgument())
      .argument('[query...]', 'search parameters: name=value pairs, separate or as one query string'),
  )
    .addHelpText(
      'after',
      examples([
        'client-admin api search r4 ClientApplication',
        'client-admin api search r4 ClientApplication name=patient grantType=client_credentials',
        `client-admin api search r4 ClientApplication '_sort=-_lastUpdated&_count=50' | jq -r '.entry[].resource.id'`,
      ]),
    )
    .action(async (_version: string, type: string, query: string[], flags: Flags) => {
      const params = parseSearchQuery(query);
      const result = await withClient(flags, io, (client) => client.search(type, params));
      writeJson(io, redactSecrets(result.bundle), flags.pretty);
    });

  withCommon(
    api
      .command('history')
      .description('the history Bundle of a resource, or of every resource of a type (secrets are never included)')
      .addArgument(fhirVersionArgument())
      .addArgument(typeArgument())
      .addArgument(idArgument(false))
      .option('--count <n>', 'at most this many versions (_count)', positiveInteger)
      .option('--since <instant>', 'only versions since this instant (_since), e.g. 2025-01-31T00:00:00Z'),
  )
    .addHelpText(
      'after',
      examples([
        'client-admin api history r4 ClientApplication patient-portal',
        'client-admin api history r4 ClientApplication --since 2025-01-31T00:00:00Z --count 50',
      ]),
    )
    .action(async (_version: string, type: string, id: string | undefined, flags: Flags & { count?: number; since?: string }) => {
      const params: Record<string, string | number> = {};
      if (flags.count !== undefined) params._count = flags.count;
      if (flags.since !== undefined) params._since = flags.since;
      const result = await withClient(flags, io, (client) => client.history(type, id, params));
      writeJson(io, redactSecrets(result.bundle), flags.pretty);
    });

  withCommon(
    api
      .command('capabilities')
      .description("the server's CapabilityStatement (GET metadata)")
      .addArgument(fhirVersionArgument()),
  )
    .addHelpText('after', examples(["client-admin api capabilities r4 | jq '.rest[0].resource[].type'"]))
    .action(async (_version: string, flags: Flags) => {
      const statement = await withClient(flags, io, (client) => client.capabilities());
      writeJson(io, redactSecrets(statement), flags.pretty);
    });
}

function positiveInteger(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('It must be a positive whole number.');
  return Number(value);
}
