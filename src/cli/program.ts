import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { registerApiCommands } from './commands/api.ts';
import { registerClientsCommands } from './commands/clients.ts';
import { registerConfigCommands } from './commands/config.ts';
import { describeFailure, oneLine } from './errors.ts';
import { EXIT, EXIT_CODE_HELP, EXIT_LABEL } from './exit-codes.ts';
import type { CliIo } from './io.ts';

// The command tree (commander) and the one place where failures become a stderr line and an
// exit code. `runCli` never calls process.exit: main.ts sets process.exitCode, so piped output is
// flushed completely, and tests run the whole CLI in-process with their own streams.

export function createProgram(io: CliIo): Command {
  const program = new Command('client-admin')
    .description('Manage OAuth/OpenID Connect ClientApplication resources through the FHIR API')
    .version(packageJson.version, '-V, --version', 'print the version')
    .helpCommand('help [command]', 'help for a command')
    // Settings below are inherited by every subcommand created with .command().
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => {
        const message = oneLine(text).replace(/^error: /, '');
        write(`client-admin: ${EXIT_LABEL[EXIT.usage]}: ${message} (see --help)\n`);
      },
    })
    .addHelpText(
      'after',
      `
Configuration: flags > environment (CLIENT_ADMIN_FHIR_URL, CLIENT_ADMIN_ISSUER,
CLIENT_ADMIN_CLIENT_ID, CLIENT_ADMIN_CLIENT_SECRET) > the profile file of \`client-admin config set\`.
Tokens come from the client_credentials grant and live in memory for one run only.

Examples:
  $ client-admin config set fhir-url http://localhost:8080/w/default/default/api/v1/fhir/r4
  $ client-admin config set client-id cli && client-admin config set client-secret
  $ client-admin api read r4 ClientApplication my-backend-service
  $ printf %s "$CLIENT_SECRET" | client-admin api search r4 ClientApplication --client-id cli --client-secret-stdin
  $ client-admin clients new --type backend --id reporting --name Reporting > reporting.json

${EXIT_CODE_HELP}
`,
    );

  registerApiCommands(program, io);
  registerClientsCommands(program, io);
  registerConfigCommands(program, io);
  return program;
}

/** Runs one command line (without `node` and the script) and returns its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; a bare `client-admin api` shows help and is a usage error.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
      if (e.code === 'commander.help') return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return EXIT.usage;
    }
    const failure = describeFailure(e);
    io.stderr.write(`client-admin: ${failure.message}\n`);
    return failure.exitCode;
  }
}
