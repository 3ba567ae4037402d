import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../test-support/test-server.ts';
import { EXIT } from './exit-codes.ts';
import { createProgram } from './program.ts';
import { removeTempHomes, runInProcess, tempHome, type CliResult } from './testing/run-cli.ts';

// The commands in-process (runCli with captured streams) against the shared reference server:
// the same code as the executable minus process start-up, so the many option combinations stay
// fast. cli.test.ts covers the real process.

const fhirUrl = inject('fhirBaseUrl');
afterAll(removeTempHomes);
const clientId = inject('testClientId');
const clientSecret = inject('testClientSecret');

function credentials(home = tempHome()): Record<string, string> {
  return { ...home, CLIENT_ADMIN_FHIR_URL: fhirUrl, CLIENT_ADMIN_CLIENT_ID: clientId, CLIENT_ADMIN_CLIENT_SECRET: clientSecret };
}

function run(args: string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<CliResult> {
  return runInProcess(args, { env: options.env ?? credentials(), ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
}

function resource(result: CliResult): Record<string, unknown> {
  expect(result).toMatchObject({ code: EXIT.ok });
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

const portal = (id: string) => ({
  resourceType: 'ClientApplication',
  id,
  name: 'Portal',
  grantType: ['authorization_code'],
  responseTypes: 'code',
  redirectUri: ['https://portal.example.com/cb'],
});

describe('--help', () => {
  function leaves(command: Command, prefix: string[] = []): string[][] {
    const path = command.name() === 'client-admin' ? prefix : [...prefix, command.name()];
    const children = command.commands.filter((c) => c.name() !== 'help');
    return children.length === 0 ? [path] : children.flatMap((c) => leaves(c, path));
  }

  const commands = leaves(createProgram({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: {} }));

  it('covers every command the issue asks for', () => {
    expect(commands.map((c) => c.join(' '))).toEqual(
      expect.arrayContaining([
        'api create',
        'api read',
        'api update',
        'api patch',
        'api delete',
        'api search',
        'api history',
        'api capabilities',
        'clients new',
        'config set',
      ]),
    );
  });

  it.each(commands.map((c) => [c.join(' '), c]))('`%s --help` shows usage and examples, exit 0', async (_name, command) => {
    const result = await runInProcess([...command, '--help'], { env: tempHome() });
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toContain(`Usage: client-admin ${command.join(' ')}`);
    expect(result.stdout).toMatch(/\nExamples:\n {2}\$ client-admin /);
    // No example puts a secret on the command line.
    expect(result.stdout).not.toMatch(/"secret":"[^…"]/);
  });

  it('lists the exit codes at the top level, and a bare group is a usage error', async () => {
    const top = await runInProcess(['--help'], { env: tempHome() });
    expect(top.stdout).toContain('Exit codes:\n  0  success');
    for (const line of ['2  usage', '3  auth', '4  not found', '5  conflict', '6  invalid', '7  server', '8  network']) {
      expect(top.stdout).toContain(line);
    }
    const bare = await runInProcess(['api'], { env: tempHome() });
    expect(bare.code).toBe(EXIT.usage);
    expect(bare.stderr).toContain('Usage: client-admin api');
  });
});

describe('configuration', () => {
  it('`config set` writes the profile file 0600 in a 0700 directory, the secret only from stdin', async () => {
    const home = tempHome();
    expect((await run(['config', 'set', 'fhir-url', fhirUrl], { env: home })).code).toBe(EXIT.ok);
    expect((await run(['config', 'set', 'client-id', clientId], { env: home })).code).toBe(EXIT.ok);
    const asArgument = await run(['config', 'set', 'client-secret', 'typed-on-the-command-line'], { env: home });
    expect(asArgument.code).toBe(EXIT.usage);
    expect(asArgument.stderr).toContain('never pass a secret as an argument');
    expect(asArgument.stderr).not.toContain('typed-on-the-command-line');
    expect((await run(['config', 'set', 'client-secret'], { env: home, stdin: `${clientSecret}\n` })).code).toBe(EXIT.ok);

    const file = path.join(home.XDG_CONFIG_HOME, 'client-admin', 'config.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ profiles: { default: { fhirUrl, clientId, clientSecret } } });

    // The profile alone is enough to call the API.
    expect(resource(await run(['api', 'read', 'r4', 'ClientApplication', clientId], { env: home }))).toMatchObject({ id: clientId });

    const show = await run(['config', 'show'], { env: { ...home, CLIENT_ADMIN_CLIENT_ID: 'from-env' } });
    expect(show.stdout).toContain(`fhir-url       ${fhirUrl}  (config file)`);
    expect(show.stdout).toContain('client-id      from-env  (environment)');
    expect(show.stdout).toContain('client-secret  set  (config file)');
    expect(show.stdout + show.stderr).not.toContain(clientSecret);

    expect((await run(['config', 'unset', 'client-secret'], { env: home })).code).toBe(EXIT.ok);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).profiles.default).toEqual({ fhirUrl, clientId });
  });

  it('prefers flags over the environment over the profile file', async () => {
    const home = tempHome();
    const closed = `http://127.0.0.1:${await freePort()}/fhir/r4`;
    await run(['config', 'set', 'fhir-url', closed], { env: home });
    const env = { ...credentials(home) };
    // Environment over file: the right URL wins over the closed port.
    expect((await run(['api', 'capabilities', 'r4'], { env })).code).toBe(EXIT.ok);
    // Flag over environment: the closed port wins over the right URL.
    const flagged = await run(['api', 'capabilities', 'r4', '--fhir-url', closed], { env });
    expect(flagged.code).toBe(EXIT.network);
    // --client-secret-stdin over a wrong secret in the environment.
    const stdinSecret = await run(['api', 'read', 'r4', 'ClientApplication', clientId, '--client-secret-stdin'], {
      env: { ...env, CLIENT_ADMIN_CLIENT_SECRET: 'wrong-secret' },
      stdin: clientSecret,
    });
    expect(resource(stdinSecret)).toMatchObject({ id: clientId });
  });

  it('selects a named profile with --profile or CLIENT_ADMIN_PROFILE', async () => {
    const home = tempHome();
    await run(['config', 'set', 'fhir-url', fhirUrl, '--profile', 'local'], { env: home });
    await run(['config', 'set', 'client-id', clientId, '--profile', 'local'], { env: home });
    await run(['config', 'set', 'client-secret', '--profile', 'local'], { env: home, stdin: clientSecret });
    expect((await run(['api', 'capabilities', 'r4', '--profile', 'local'], { env: home })).code).toBe(EXIT.ok);
    expect((await run(['api', 'capabilities', 'r4'], { env: { ...home, CLIENT_ADMIN_PROFILE: 'local' } })).code).toBe(EXIT.ok);
    expect((await run(['api', 'capabilities', 'r4'], { env: home })).code).toBe(EXIT.usage);
  });

  it('explains missing or half credentials', async () => {
    const { CLIENT_ADMIN_CLIENT_SECRET: _s, ...idOnly } = credentials();
    const half = await run(['api', 'capabilities', 'r4'], { env: idOnly });
    expect(half.code).toBe(EXIT.usage);
    expect(half.stderr).toMatch(/^client-admin: usage error: no client secret is configured for client "[^"]+": pass --client-secret-stdin/);

    const { CLIENT_ADMIN_CLIENT_ID: _i, ...anonymous } = idOnly;
    const none = await run(['api', 'read', 'r4', 'ClientApplication', clientId], { env: anonymous });
    expect(none.code).toBe(EXIT.auth);
    expect(none.stderr).toMatch(/^client-admin: authentication failed \(HTTP 401\): .*\(no client credentials are configured: set CLIENT_ADMIN_CLIENT_ID/);
  });

  it('will not read both the body and the secret from stdin', async () => {
    const result = await run(['api', 'create', 'r4', '--client-secret-stdin'], { stdin: '{}' });
    expect(result.code).toBe(EXIT.usage);
  });
});

describe('api', () => {
  it('creates without an id by POST, the server choosing it', async () => {
    const { id: _id, ...withoutId } = portal('x');
    const created = resource(await run(['api', 'create', 'r4', '--data', JSON.stringify(withoutId)]));
    expect(created.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    expect(resource(await run(['api', 'read', 'r4', 'ClientApplication', String(created.id)]))).toMatchObject({ name: 'Portal' });
  });

  it('takes the body from --file or stdin', async () => {
    const id = unique('from-file');
    const file = path.join(tempHome().HOME, 'body.json');
    fs.writeFileSync(file, JSON.stringify(portal(id)));
    expect(resource(await run(['api', 'create', 'r4', '--file', file]))).toMatchObject({ id });
    const piped = await run(['api', 'update', 'r4', 'ClientApplication', id], { stdin: JSON.stringify({ ...portal(id), name: 'Piped' }) });
    expect(resource(piped)).toMatchObject({ id, name: 'Piped', meta: { versionId: '2' } });
  });

  it('updates with --if-match, filling resourceType and id from the arguments', async () => {
    const id = unique('if-match');
    await run(['api', 'create', 'r4', '--data', JSON.stringify(portal(id))]);
    const { resourceType: _t, id: _i, ...body } = { ...portal(id), name: 'Renamed' };
    const updated = await run(['api', 'update', 'r4', 'ClientApplication', id, '--if-match', 'W/"1"', '--data', JSON.stringify(body)]);
    expect(resource(updated)).toMatchObject({ name: 'Renamed', meta: { versionId: '2' } });
    const stale = await run(['api', 'update', 'r4', 'ClientApplication', id, '--if-match', '1', '--data', JSON.stringify(body)]);
    expect(stale.code).toBe(EXIT.conflict);
    const mismatch = await run(['api', 'update', 'r4', 'ClientApplication', id, '--data', JSON.stringify(portal('other'))]);
    expect(mismatch).toMatchObject({ code: EXIT.invalid, stderr: `client-admin: invalid: the body from --data has id "other", not "${id}" as in the arguments\n` });
  });

  it('patches a secret away, making the client public', async () => {
    const id = unique('patch-secret');
    const created = resource(
      await run(['api', 'create', 'r4', '--data', JSON.stringify({ ...portal(id), secret: 'a-secret-for-this-test' })]),
    );
    expect(JSON.stringify(created.meta)).toContain('secret-set');
    const patched = resource(await run(['api', 'patch', 'r4', 'ClientApplication', id, '--data', '[{"op":"remove","path":"/secret"}]']));
    expect(JSON.stringify(patched.meta ?? {})).not.toContain('secret-set');
    const notAPatch = await run(['api', 'patch', 'r4', 'ClientApplication', id, '--data', '{"name":"x"}']);
    expect(notAPatch.code).toBe(EXIT.invalid);
  });

  it('reads an older version with --version-id, and refuses malformed search words', async () => {
    const id = unique('vread');
    await run(['api', 'create', 'r4', '--data', JSON.stringify(portal(id))]);
    await run(['api', 'patch', 'r4', 'ClientApplication', id, '--data', '[{"op":"replace","path":"/name","value":"Second"}]']);
    expect(resource(await run(['api', 'read', 'r4', 'ClientApplication', id, '--version-id', '1']))).toMatchObject({ name: 'Portal' });
    expect((await run(['api', 'search', 'r4', 'ClientApplication', 'portal'])).code).toBe(EXIT.usage);
    // Checked before any request: a path segment that is not a type or an id would go elsewhere.
    for (const args of [
      ['api', 'read', 'r4', 'clientApplication', id],
      ['api', 'read', 'r4', 'ClientApplication', '..'],
      ['api', 'delete', 'r4', 'ClientApplication', 'a/b'],
    ]) {
      const result = await run(args);
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toMatch(/^client-admin: usage error: command-argument value '[^']+' is invalid for argument '(type|id)'/);
    }
    expect((await run(['api', 'history', 'r4', 'ClientApplication', id, '--count', 'zero'])).code).toBe(EXIT.usage);
  });

  it('prints the CapabilityStatement', async () => {
    expect(resource(await run(['api', 'capabilities', 'r4']))).toMatchObject({ resourceType: 'CapabilityStatement' });
  });
});

describe('clients new', () => {
  it('writes the secret to a new 0600 --secret-file and nowhere else; the secret authenticates', async () => {
    const id = unique('backend');
    const secretFile = path.join(tempHome().HOME, 'backend.secret');
    const result = await run(['clients', 'new', '--type', 'backend', '--id', id, '--name', 'Backend', '--secret-file', secretFile]);
    expect(resource(result)).toMatchObject({ id, grantType: ['client_credentials'], scope: 'system/*.rs' });
    const secret = fs.readFileSync(secretFile, 'utf8').trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(result.stdout + result.stderr).not.toContain(secret);
    expect(result.stderr).toContain(secretFile);

    const asBackend = { ...credentials(), CLIENT_ADMIN_CLIENT_ID: id, CLIENT_ADMIN_CLIENT_SECRET: secret };
    expect(resource(await run(['api', 'read', 'r4', 'ClientApplication', id], { env: asBackend }))).toMatchObject({ id });
  });

  it('leaves no secret file behind when the id is taken, and never overwrites one', async () => {
    const id = unique('taken');
    const home = tempHome().HOME;
    await run(['clients', 'new', '--type', 'backend', '--id', id, '--name', 'First']);
    const secretFile = path.join(home, 'second.secret');
    const clash = await run(['clients', 'new', '--type', 'backend', '--id', id, '--name', 'Second', '--secret-file', secretFile]);
    expect(clash.code).toBe(EXIT.conflict);
    expect(fs.existsSync(secretFile)).toBe(false);

    const existing = path.join(home, 'existing.secret');
    fs.writeFileSync(existing, 'keep me');
    const refused = await run(['clients', 'new', '--type', 'backend', '--id', unique('other'), '--name', 'X', '--secret-file', existing]);
    expect(refused.code).toBe(EXIT.usage);
    expect(fs.readFileSync(existing, 'utf8')).toBe('keep me');
  });

  it('makes web apps confidential and native apps public', async () => {
    const webId = unique('web');
    const web = await run(['clients', 'new', '--type', 'web', '--id', webId, '--name', 'Web', '--redirect-uri', 'https://web.example.com/cb']);
    expect(resource(web)).toMatchObject({ grantType: ['authorization_code', 'refresh_token'], redirectUri: ['https://web.example.com/cb'] });
    expect(web.stderr).toMatch(/-----BEGIN CLIENT SECRET-----\n[A-Za-z0-9_-]{43}\n-----END CLIENT SECRET-----/);

    const nativeId = unique('native');
    const native = await run(['clients', 'new', '--type', 'native', '--id', nativeId, '--name', 'Native', '--redirect-uri', 'http://127.0.0.1/cb']);
    expect(resource(native)).not.toHaveProperty('meta.tag');
    expect(native.stderr).toBe(`client-admin: created public client "${nativeId}" (no secret)\n`);
  });

  it('refuses what the rules refuse before sending anything', async () => {
    const id = unique('bad-scope');
    const bad = await run(['clients', 'new', '--type', 'backend', '--id', id, '--name', 'Bad', '--scope', 'system/*.dus']);
    expect(bad).toMatchObject({ code: EXIT.invalid, stdout: '' });
    expect(bad.stderr).toMatch(/^client-admin: invalid: ClientApplication.scope: /);
    expect((await run(['api', 'read', 'r4', 'ClientApplication', id])).code).toBe(EXIT.notFound);
    const noType = await run(['clients', 'new', '--id', id, '--name', 'X']);
    expect(noType.code).toBe(EXIT.usage);
    expect(noType.stderr).toContain("required option '--type <type>' not specified");
  });
});
