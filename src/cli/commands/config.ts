import { Argument, type Command } from 'commander';
import {
  configFilePath,
  profileName,
  readConfigFile,
  settingByKey,
  SETTINGS,
  writeConfigFile,
  type SettingInfo,
} from '../config.ts';
import { loadProfile, resolveConnectionSettings } from '../connection.ts';
import { CliError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { readSecret, type CliIo } from '../io.ts';

// `client-admin config …`: the profile file (config.ts). `config set client-secret` never takes
// the secret as an argument: it reads stdin or a hidden prompt, so it stays out of shell history.

const KEYS = SETTINGS.map((s) => s.key);

function keyArgument(): Argument {
  return new Argument('<key>', `one of ${KEYS.join(', ')}`).choices(KEYS);
}

function settingOf(key: string): SettingInfo {
  const setting = settingByKey(key);
  if (!setting) throw new CliError(EXIT.usage, `unknown key "${key}": use one of ${KEYS.join(', ')}`);
  return setting;
}

function checkUrl(setting: SettingInfo, value: string): void {
  if (setting.key !== 'fhir-url' && setting.key !== 'issuer') return;
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new CliError(EXIT.usage, `${setting.key} must be an absolute http(s) URL, such as https://host/w/default/default/api/v1/${setting.key === 'issuer' ? 'oidc' : 'fhir/r4'}`);
  }
}

export function registerConfigCommands(program: Command, io: CliIo): void {
  const config = program
    .command('config')
    .description('store connection settings in a profile file readable only by you')
    .addHelpText(
      'after',
      `
Settings (flags > environment > config file):
${SETTINGS.map((s) => `  ${s.key.padEnd(14)}${s.env.padEnd(29)}${s.description}`).join('\n')}

The file is $XDG_CONFIG_HOME/client-admin/config.json (else ~/.config/client-admin/config.json),
mode 600 in a directory of mode 700. Choose a profile with --profile NAME or CLIENT_ADMIN_PROFILE.

Examples:
  $ client-admin config set fhir-url http://localhost:8080/w/default/default/api/v1/fhir/r4
  $ client-admin config set client-id cli
  $ client-admin config set client-secret            # prompts without echo
  $ client-admin config set client-secret < cli.secret
  $ client-admin config show
`,
    );

  config
    .command('set')
    .description('save one setting in the profile (client-secret: read from stdin or a hidden prompt, never an argument)')
    .addArgument(keyArgument())
    .argument('[value]', 'the value (not for client-secret)')
    .option('--profile <name>', 'profile to change (default "default") [env CLIENT_ADMIN_PROFILE]')
    .addHelpText(
      'after',
      `
Examples:
  $ client-admin config set fhir-url https://fhir.example.com/w/acme/prod/api/v1/fhir/r4 --profile prod
  $ client-admin config set issuer https://fhir.example.com/w/acme/prod/api/v1/oidc --profile prod
  $ pass show fhir/cli | client-admin config set client-secret --profile prod
`,
    )
    .action(async (key: string, value: string | undefined, flags: { profile?: string }) => {
      const setting = settingOf(key);
      const profile = profileName(flags.profile, io.env);
      const file = configFilePath(io.env);
      let newValue: string;
      if (setting.isSecret) {
        if (value !== undefined) {
          throw new CliError(
            EXIT.usage,
            'never pass a secret as an argument (it lands in shell history and the process list): run `client-admin config set client-secret` and type it, or pipe it in',
          );
        }
        newValue = await readSecret(io, 'Client secret: ');
      } else {
        if (value === undefined || value === '') throw new CliError(EXIT.usage, `config set ${key} needs a value`);
        checkUrl(setting, value);
        newValue = value;
      }
      const { file: current } = readConfigFile(file);
      const profiles = { ...current.profiles, [profile]: { ...current.profiles[profile], [setting.name]: newValue } };
      writeConfigFile(file, { ...current, profiles });
      io.stderr.write(`client-admin: saved ${key} in profile "${profile}" of ${file}\n`);
    });

  config
    .command('unset')
    .description('remove one setting from the profile')
    .addArgument(keyArgument())
    .option('--profile <name>', 'profile to change (default "default") [env CLIENT_ADMIN_PROFILE]')
    .addHelpText('after', '\nExamples:\n  $ client-admin config unset client-secret\n')
    .action((key: string, flags: { profile?: string }) => {
      const setting = settingOf(key);
      const profile = profileName(flags.profile, io.env);
      const file = configFilePath(io.env);
      const { file: current } = readConfigFile(file);
      const { [setting.name]: _removed, ...rest } = current.profiles[profile] ?? {};
      writeConfigFile(file, { ...current, profiles: { ...current.profiles, [profile]: rest } });
      io.stderr.write(`client-admin: removed ${key} from profile "${profile}" of ${file}\n`);
    });

  config
    .command('show')
    .description('show the settings in effect and where each comes from (the secret only as "set")')
    .option('--profile <name>', 'profile to show (default "default") [env CLIENT_ADMIN_PROFILE]')
    .addHelpText('after', '\nExamples:\n  $ client-admin config show\n  $ CLIENT_ADMIN_PROFILE=prod client-admin config show\n')
    .action((flags: { profile?: string }) => {
      const profile = profileName(flags.profile, io.env);
      const settings = resolveConnectionSettings({}, io, loadProfile(flags, io));
      const lines = [`profile        ${profile}`, `config file    ${configFilePath(io.env)}`];
      for (const s of SETTINGS) {
        const resolved = settings[s.name];
        const unset = s.name === 'issuer' ? "(not set: the FHIR server's SMART configuration names it)" : '(not set)';
        const shown = resolved === undefined ? unset : `${s.isSecret ? 'set' : resolved.value}  (${resolved.source})`;
        lines.push(`${s.key.padEnd(15)}${shown}`);
      }
      io.stdout.write(`${lines.join('\n')}\n`);
    });

  config
    .command('path')
    .description('print where the config file is')
    .addHelpText('after', '\nExamples:\n  $ client-admin config path\n  $ XDG_CONFIG_HOME=/etc/xdg client-admin config path\n')
    .action(() => {
      io.stdout.write(`${configFilePath(io.env)}\n`);
    });
}
