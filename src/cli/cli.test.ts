import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_PROCESS_ARGS } from '../test-support/child-server.ts';
import { freePort, tempDataDir } from '../test-support/test-server.ts';
import { testTokenProvider } from '../test-support/test-token.ts';
import { EXIT } from './exit-codes.ts';
import { removeTempHomes, spawnCli, tempHome, type CliResult } from './testing/run-cli.ts';
import { CLI_EXAMPLE, PORTAL_EXAMPLE } from '../test-support/documentation-examples.ts';

// Issue 5, "Checked by": the real CLI process against the real server process (run as `npm start`
// runs it) whose only client is a system client seeded from SEED_BUNDLE. Every state the
// CLI claims to have (or not to have) changed is checked through the API, not through the CLI.

const OPERATOR = { id: 'ci-operator', secret: 'ci-operator-secret-0f3c9a27b1e4' };


let server: ChildProcess;
let serverExited: Promise<unknown>;
let dataDir: string;
let fhirUrl: string;
let tokenEndpoint: string;
let env: Record<string, string>;
let getAccessToken: () => Promise<string>;

async function startServer(): Promise<void> {
  const port = await freePort();
  dataDir = tempDataDir();
  const seed = path.join(dataDir, 'seed.json');
  fs.writeFileSync(
    seed,
    JSON.stringify({
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        {
          request: { method: 'PUT', url: `ClientApplication/${OPERATOR.id}` },
          resource: {
            resourceType: 'ClientApplication',
            id: OPERATOR.id,
            name: 'CI operator',
            grantType: ['client_credentials'],
            responseTypes: 'token',
            secret: OPERATOR.secret,
            scope: 'system/ClientApplication.*',
          },
        },
      ],
    }),
  );
  server = spawn(process.execPath, SERVER_PROCESS_ARGS, {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: dataDir,
      SEED_BUNDLE: seed,
      ADMIN_PASSWORD: 'cli-test-admin-password',
      LOG_LEVEL: 'warn',
    },
  });
  serverExited = new Promise((resolve) => server.once('exit', resolve));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Client Admin is running')) resolve();
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.on('exit', (code) => reject(new Error(`the server exited with ${code}: ${output}`)));
  });
  fhirUrl = `http://127.0.0.1:${port}/w/default/default/api/v1/fhir/r4`;
  tokenEndpoint = `http://127.0.0.1:${port}/w/default/default/api/v1/oidc/token`;
}

beforeAll(async () => {
  await startServer();
  env = {
    ...tempHome(),
    CLIENT_ADMIN_FHIR_URL: fhirUrl,
    CLIENT_ADMIN_CLIENT_ID: OPERATOR.id,
    CLIENT_ADMIN_CLIENT_SECRET: OPERATOR.secret,
  };
  const tokens = testTokenProvider({ tokenEndpoint, clientId: OPERATOR.id, clientSecret: OPERATOR.secret });
  getAccessToken = () => tokens('system/ClientApplication.*');
}, 60_000);

afterAll(async () => {
  server?.kill('SIGTERM');
  await serverExited;
  fs.rmSync(dataDir, { recursive: true, force: true });
  removeTempHomes();
});

/** The API itself, bypassing the CLI, to check what the CLI did or did not change. */
async function api(pathAndQuery: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${fhirUrl}${pathAndQuery}`, {
    headers: { authorization: `Bearer ${await getAccessToken()}`, accept: 'application/fhir+json' },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function apiPut(resource: { id: string }): Promise<void> {
  const response = await fetch(`${fhirUrl}/ClientApplication/${resource.id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${await getAccessToken()}`, 'content-type': 'application/fhir+json' },
    body: JSON.stringify(resource),
  });
  expect(response.status).toBe(201);
}

/** Every write ever made to ClientApplication: unchanged means nothing was written. */
async function writeCount(): Promise<number> {
  const { body } = await api('/ClientApplication/_history?_count=1');
  return body.total as number;
}

/** The name and the whole stderr of a failed run: one line, the class, nothing on stdout. */
function expectOneLineFailure(result: CliResult, code: number, pattern: RegExp): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  expect(result.stderr).toMatch(/^client-admin: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
}

function cli(args: string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<CliResult> {
  return spawnCli(args, { env: { ...env, ...options.env }, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
}

function json(result: CliResult): Record<string, unknown> {
  expect(result).toMatchObject({ code: EXIT.ok, stderr: '' });
  // Piped, so compact: exactly one line of JSON.
  expect(result.stdout).toMatch(/^[^\n]+\n$/);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('the documentation examples from a terminal (SPEC §2)', { timeout: 60_000 }, () => {
  it('creates both with `api create r4 --data …`, each at its own id, and prints them without the secret', async () => {
    for (const example of [CLI_EXAMPLE, PORTAL_EXAMPLE]) {
      const result = await cli(['api', 'create', 'r4', '--data', JSON.stringify(example)]);
      const { secret: _secret, ...expected } = example as typeof example & { secret?: string };
      const created = json(result);
      expect(created).toMatchObject({ ...expected, meta: { versionId: '1' } });
      expect(created).not.toHaveProperty('secret');
      expect(result.stdout).not.toContain('my-super-secret');
    }
    expect((await api('/ClientApplication/cli')).status).toBe(200);
    expect((await api('/ClientApplication/patient-portal')).body).toMatchObject({ name: 'Patient Portal' });
  });

  it('reads them back without secrets: compact when piped, indented with --pretty', async () => {
    const cliClient = json(await cli(['api', 'read', 'r4', 'ClientApplication', 'cli']));
    expect(cliClient).not.toHaveProperty('secret');
    // The server says that a secret is set, without showing it (SPEC §4).
    expect(cliClient.meta).toMatchObject({ tag: [expect.objectContaining({ code: 'secret-set' })] });

    const pretty = await cli(['api', 'read', 'r4', 'ClientApplication', 'patient-portal', '--pretty']);
    expect(pretty.code).toBe(EXIT.ok);
    expect(pretty.stdout).toContain('\n  "name": "Patient Portal",\n');
    expect(JSON.parse(pretty.stdout)).toMatchObject({ id: 'patient-portal', logoUri: PORTAL_EXAMPLE.logoUri });
  });

  it('finds them by search', async () => {
    const byName = json(await cli(['api', 'search', 'r4', 'ClientApplication', 'name=patient', '_sort=name']));
    expect(byName).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    expect((byName.entry as { resource: { id: string } }[]).map((e) => e.resource.id)).toEqual(['patient-portal']);

    const both = json(await cli(['api', 'search', 'r4', 'ClientApplication', '_id=cli,patient-portal&_sort=name']));
    expect((both.entry as { resource: Record<string, unknown> }[]).map((e) => e.resource.id)).toEqual(['cli', 'patient-portal']);
    expect((both.entry as { resource: Record<string, unknown> }[])[0]?.resource).not.toHaveProperty('secret');
  });

  it('patches them with JSON Patch', async () => {
    const patched = json(
      await cli([
        'api',
        'patch',
        'r4',
        'ClientApplication',
        'patient-portal',
        '--data',
        '[{"op":"replace","path":"/name","value":"Patient Portal (renamed)"}]',
      ]),
    );
    expect(patched).toMatchObject({ name: 'Patient Portal (renamed)', meta: { versionId: '2' } });
    expect((await api('/ClientApplication/patient-portal')).body).toMatchObject({ name: 'Patient Portal (renamed)' });
  });

  it('lets the `cli` example client run the CLI itself, with its secret on stdin', async () => {
    const { CLIENT_ADMIN_CLIENT_SECRET: _secret, ...withoutSecret } = env;
    const result = await spawnCli(
      ['api', 'read', 'r4', 'ClientApplication', 'patient-portal', '--client-id', 'cli', '--client-secret-stdin'],
      { env: withoutSecret, stdin: 'my-super-secret\n' },
    );
    expect(json(result)).toMatchObject({ id: 'patient-portal' });
  });

  it('shows their history without secrets', async () => {
    const history = json(await cli(['api', 'history', 'r4', 'ClientApplication', 'patient-portal']));
    expect(history).toMatchObject({ resourceType: 'Bundle', type: 'history', total: 2 });
    expect((history.entry as { resource: { name: string } }[]).map((e) => e.resource.name)).toEqual([
      'Patient Portal (renamed)',
      'Patient Portal',
    ]);
    const all = await cli(['api', 'history', 'r4', 'ClientApplication', '--count', '50']);
    expect(all.code).toBe(EXIT.ok);
    expect(all.stdout).toContain('"id":"cli"');
    expect(all.stdout).not.toContain('my-super-secret');
  });

  it('deletes them: they are gone, and the deleted `cli` client can no longer authenticate', async () => {
    for (const id of ['cli', 'patient-portal']) {
      const result = await cli(['api', 'delete', 'r4', 'ClientApplication', id]);
      expect(result).toEqual({ code: EXIT.ok, stdout: '', stderr: `client-admin: deleted ClientApplication/${id}\n` });
      expect((await api(`/ClientApplication/${id}`)).status).toBe(410);
    }
    expectOneLineFailure(await cli(['api', 'read', 'r4', 'ClientApplication', 'cli']), EXIT.notFound, /^client-admin: not found \(HTTP 410\)/);
    const revoked = await cli(['api', 'capabilities', 'r4'], {
      env: { CLIENT_ADMIN_CLIENT_ID: 'cli', CLIENT_ADMIN_CLIENT_SECRET: 'my-super-secret' },
    });
    expectOneLineFailure(revoked, EXIT.auth, /invalid_client/);
  });
});

describe('failures: one clear line on stderr, the class exit code, and nothing changed', { timeout: 60_000 }, () => {
  const NEW_CLIENT = {
    resourceType: 'ClientApplication',
    id: 'never-created',
    name: 'Never created',
    grantType: ['authorization_code'],
    responseTypes: 'code',
    redirectUri: ['https://never.example.com/cb'],
  };

  it('a wrong client secret: exit 3 with the OAuth error, and no write', async () => {
    const before = await writeCount();
    const result = await cli(['api', 'create', 'r4', '--data', JSON.stringify(NEW_CLIENT)], {
      env: { CLIENT_ADMIN_CLIENT_SECRET: 'wrong-secret-value' },
    });
    expectOneLineFailure(result, EXIT.auth, /^client-admin: authentication failed \(HTTP 401\): .*invalid_client: /);
    expect(result.stderr).not.toContain('wrong-secret-value');
    expect((await api('/ClientApplication/never-created')).status).toBe(404);
    expect(await writeCount()).toBe(before);
  });

  it('an unreachable server (a closed port on 127.0.0.1): exit 8, and no write', async () => {
    const closedPort = await freePort();
    const before = await writeCount();
    const result = await cli(['api', 'create', 'r4', '--data', JSON.stringify(NEW_CLIENT)], {
      env: { CLIENT_ADMIN_FHIR_URL: `http://127.0.0.1:${closedPort}/w/default/default/api/v1/fhir/r4` },
    });
    expectOneLineFailure(result, EXIT.network, new RegExp(`^client-admin: network error: could not reach http://127.0.0.1:${closedPort} .*ECONNREFUSED`));
    expect(await writeCount()).toBe(before);
  });

  it('malformed JSON: exit 6 before any request, for create, update and patch, and no write', async () => {
    await apiPut({ ...NEW_CLIENT, id: 'stays-as-is' });
    const before = await writeCount();
    const attempts = [
      ['api', 'create', 'r4', '--data', '{"resourceType":"ClientApplication","id":"never-created",'],
      ['api', 'update', 'r4', 'ClientApplication', 'stays-as-is', '--data', '{"name": "Changed" "grantType": []}'],
      ['api', 'patch', 'r4', 'ClientApplication', 'stays-as-is', '--data', '[{"op":"replace","path":"/name","value":}]'],
    ];
    for (const args of attempts) {
      expectOneLineFailure(await cli(args), EXIT.invalid, /^client-admin: invalid: the body from --data is not valid JSON\b/);
    }
    expect(await writeCount()).toBe(before);
    expect((await api('/ClientApplication/stays-as-is')).body).toMatchObject({ name: 'Never created', meta: { versionId: '1' } });
  });

  it('gives each class its own exit code', async () => {
    await apiPut({ ...NEW_CLIENT, id: 'taken' });
    const before = await writeCount();
    const cases: [string[], number, RegExp][] = [
      [['api', 'read', 'r4', 'ClientApplication'], EXIT.usage, /^client-admin: usage error: missing required argument 'id'/],
      [['api', 'read', 'r5', 'ClientApplication', 'taken'], EXIT.usage, /Allowed choices are r4/],
      [['api', 'read', 'r4', 'ClientApplication', 'does-not-exist'], EXIT.notFound, /^client-admin: not found \(HTTP 404\): ClientApplication\/does-not-exist/],
      [['api', 'create', 'r4', '--data', JSON.stringify({ ...NEW_CLIENT, id: 'taken' })], EXIT.conflict, /^client-admin: conflict \(HTTP 412\): .*already exists/],
      [
        ['api', 'update', 'r4', 'ClientApplication', 'taken', '--if-match', '7', '--data', JSON.stringify({ ...NEW_CLIENT, id: 'taken' })],
        EXIT.conflict,
        /^client-admin: conflict \(HTTP 412\)/,
      ],
      [
        ['api', 'create', 'r4', '--data', JSON.stringify({ ...NEW_CLIENT, redirectUri: [] })],
        EXIT.invalid,
        /^client-admin: invalid \(HTTP 422\): ClientApplication.redirectUri: The authorization code grant needs at least one redirect URI/,
      ],
      [
        ['api', 'create', 'r4', '--data', JSON.stringify({ ...NEW_CLIENT, extension: [] })],
        EXIT.invalid,
        /^client-admin: invalid \(HTTP 400\): .*Unknown field "extension"/,
      ],
    ];
    // Independent runs, so side by side.
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    results.forEach((result, index) => {
      const [, code, pattern] = cases[index] ?? [];
      expectOneLineFailure(result, code ?? -1, pattern ?? /$^/);
    });
    expect(await writeCount()).toBe(before);
  });

  it('says why without configuration: exit 2', async () => {
    const result = await spawnCli(['api', 'capabilities', 'r4'], { env: tempHome() });
    expectOneLineFailure(result, EXIT.usage, /no FHIR URL is configured: pass --fhir-url, set CLIENT_ADMIN_FHIR_URL/);
  });
});

describe('clients new', { timeout: 60_000 }, () => {
  it('prints the resource on stdout and the generated secret once on stderr; the secret works', async () => {
    const result = await cli(['clients', 'new', '--type', 'backend', '--id', 'reporting', '--name', 'Reporting', '--scope', 'system/ClientApplication.rs']);
    expect(result.code).toBe(EXIT.ok);
    const block = /^-----BEGIN CLIENT SECRET-----\n([A-Za-z0-9_-]{43})\n-----END CLIENT SECRET-----$/m.exec(result.stderr);
    const secret = block?.[1] ?? '';
    expect(secret).toHaveLength(43);
    expect(result.stdout).not.toContain(secret);
    expect(JSON.parse(result.stdout)).toMatchObject({
      resourceType: 'ClientApplication',
      id: 'reporting',
      grantType: ['client_credentials'],
      scope: 'system/ClientApplication.rs',
    });
    expect(JSON.parse(result.stdout)).not.toHaveProperty('secret');

    const asReporting = { CLIENT_ADMIN_CLIENT_ID: 'reporting', CLIENT_ADMIN_CLIENT_SECRET: secret };
    json(await cli(['api', 'read', 'r4', 'ClientApplication', 'reporting'], { env: asReporting }));
    // Its scope lets it read, not create: the API's 403 is an auth failure.
    const before = await writeCount();
    expectOneLineFailure(
      await cli(['api', 'create', 'r4', '--data', JSON.stringify({ ...PORTAL_EXAMPLE, id: 'not-allowed' })], { env: asReporting }),
      EXIT.auth,
      /^client-admin: authentication failed \(HTTP 403\)/,
    );
    expect(await writeCount()).toBe(before);
  });
});

describe('the executable', { timeout: 30_000 }, () => {
  it('runs from the package bin launcher', async () => {
    const version = (JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;
    const packageBin = (JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { bin: Record<string, string> }).bin;
    const launcher = path.resolve(import.meta.dirname, '../..', packageBin['client-admin'] ?? '');
    expect(await spawnCli(['--version'], { env: tempHome() }, launcher)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const read = await spawnCli(['api', 'read', 'r4', 'ClientApplication', OPERATOR.id], { env }, launcher);
    expect(json(read)).toMatchObject({ id: OPERATOR.id });
  });
});
