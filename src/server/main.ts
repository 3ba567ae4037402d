import { buildApp } from './app.ts';
import { ConfigError, fhirBaseUrl, loadConfig, oidcIssuer, type Config } from './config.ts';
import { loggerOptions } from './logger.ts';
import { applySeedBundle, SeedError } from './seed.ts';

// Reads config, builds, listens, and closes gracefully: in-flight requests finish, then the
// database closes. A second signal, or 10 s without finishing, exits at once.

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

const config = readConfig();
const app = await buildApp({ config, logger: loggerOptions(config.logLevel) });

if (config.seedBundle) {
  try {
    const counts = await applySeedBundle(config.seedBundle, app.store);
    app.log.info(counts, 'seed bundle applied');
  } catch (error) {
    console.error(error instanceof SeedError ? error.message : 'SEED_BUNDLE could not be applied.');
    await app.close();
    process.exit(1);
  }
}

// The first start creates the first admin. A generated password is shown exactly once, here on
// the terminal, and never logged: only its hash is stored.
const firstAdmin = await app.oidc.users.ensureFirstAdmin(config.adminEmail, config.adminPassword);

let closing = false;
async function shutdown(signal: string) {
  if (closing) process.exit(1);
  closing = true;
  app.log.info({ signal }, 'shutting down: finishing in-flight requests');
  const timer = setTimeout(() => process.exit(1), 10_000);
  timer.unref();
  await app.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await app.listen({ port: config.port, host: config.host });
} catch (error) {
  const code = (error as { code?: string }).code;
  console.error(
    code === 'EADDRINUSE'
      ? `Port ${config.port} on ${config.host} is already in use: stop the other process or set PORT.`
      : `Could not listen on ${config.host}:${config.port} (${code ?? 'unknown error'}).`,
  );
  await app.close();
  process.exit(1);
}

const base = fhirBaseUrl(config);
console.log(
  [
    '',
    'Client Admin is running.',
    `  Console           ${config.publicUrl}/`,
    `  FHIR API (R4)     ${base}`,
    `  Capabilities      ${base}/metadata`,
    `  OpenID issuer     ${oidcIssuer(config)}`,
    `  Data              ${config.dataDir}`,
    '',
    ...(firstAdmin?.generatedPassword
      ? [
          'An admin account was created. Sign in at the console with:',
          `  Login URL         ${config.publicUrl}/`,
          `  Email             ${firstAdmin.user.email}`,
          `  Password          ${firstAdmin.generatedPassword}`,
          'This password is shown only once: store it in a password manager now.',
          '',
        ]
      : firstAdmin
        ? [`An admin account was created for ${firstAdmin.user.email} with ADMIN_PASSWORD. Sign in at ${config.publicUrl}/`, '']
        : []),
  ].join('\n'),
);
