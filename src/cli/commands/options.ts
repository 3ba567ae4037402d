import { Argument, InvalidArgumentError, Option, type Command } from 'commander';
import { isFhirId } from '../../model/client-application.ts';

// Options shared by several commands, declared once so their names, help and env variables agree.

export interface OutputOptions {
  /** true: indented; false: one line; undefined: indented only on a terminal. */
  pretty?: boolean | undefined;
}

export interface BodyFlags {
  data?: string | undefined;
  file?: string | undefined;
}

/** `r4`: the FHIR version segment of `api` commands (Haste Health's CLI takes it too). */
export function fhirVersionArgument(): Argument {
  return new Argument('<fhir-version>', 'FHIR version of the API').choices(['r4']);
}

/** A resource type as FHIR spells them (`ClientApplication`), checked before any request. */
export function typeArgument(): Argument {
  return new Argument('<type>', 'resource type, e.g. ClientApplication').argParser((value) => {
    if (!/^[A-Z][A-Za-z0-9]{0,63}$/.test(value)) {
      throw new InvalidArgumentError('A FHIR resource type starts with a capital letter, such as ClientApplication.');
    }
    return value;
  });
}

/** A FHIR id (https://hl7.org/fhir/R4/datatypes.html#id); `.` and `..` would change the URL path. */
export function idArgument(required = true): Argument {
  const argument = new Argument(required ? '<id>' : '[id]', required ? 'resource id' : 'resource id; without it, the whole type');
  return argument.argParser((value) => {
    if (!isFhirId(value) || value === '.' || value === '..') {
      throw new InvalidArgumentError('A FHIR id is 1 to 64 letters, digits, "-" or "." characters, and not "." or "..".');
    }
    return value;
  });
}

export function addConnectionOptions(command: Command): Command {
  const group = 'Connection (flags > environment > config file):';
  return command
    .addOption(new Option('--fhir-url <url>', 'FHIR R4 base URL [env CLIENT_ADMIN_FHIR_URL]').helpGroup(group))
    .addOption(
      new Option('--issuer <url>', "OpenID issuer; default: the FHIR server's SMART configuration [env CLIENT_ADMIN_ISSUER]").helpGroup(group),
    )
    .addOption(new Option('--client-id <id>', 'client_credentials client ID [env CLIENT_ADMIN_CLIENT_ID]').helpGroup(group))
    .addOption(
      new Option('--client-secret-stdin', 'read the client secret from stdin [env CLIENT_ADMIN_CLIENT_SECRET]').helpGroup(group),
    )
    .addOption(new Option('--profile <name>', 'profile of the config file (default "default") [env CLIENT_ADMIN_PROFILE]').helpGroup(group))
    .addOption(new Option('--allow-http', 'allow plain http to hosts other than localhost (credentials in clear!)').helpGroup(group));
}

export function addOutputOptions(command: Command): Command {
  const group = 'Output:';
  return command
    .addOption(new Option('--pretty', 'indented JSON (default on a terminal)').helpGroup(group))
    .addOption(new Option('--no-pretty', 'one line of JSON (default when piped)').helpGroup(group));
}

export function addBodyOptions(command: Command, what: string): Command {
  const group = 'Body (one of, else stdin):';
  return command
    .addOption(new Option('-d, --data <json>', `${what} as a JSON string`).helpGroup(group))
    .addOption(new Option('-f, --file <path>', `read ${what} from a file ("-" for stdin)`).helpGroup(group));
}

