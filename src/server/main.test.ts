import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_BUNDLE, SERVER_NODE_ARGS } from '../../scripts/build-server.mjs';
import { SERVER_PROCESS_ARGS, writeSeedBundle } from '../test-support/child-server.ts';
import { freePort, tempDataDir } from '../test-support/test-server.ts';

// The real entry point as `npm start` runs it (plain node on the bundle of main.ts, built by the
// vitest global setup with scripts/build-server.mjs): a child process, its stdout, its signals.

// The API needs credentials: a basic_auth client seeded the way an operator would (SEED_BUNDLE).
const OPERATOR = { id: 'operator', secret: 'operator-secret-for-main-test' };
const AUTHORIZATION = `Basic ${Buffer.from(`${OPERATOR.id}:${OPERATOR.secret}`).toString('base64')}`;

function seededDataDir(): { dataDir: string; seed: string } {
  const dataDir = tempDataDir();
  return { dataDir, seed: writeSeedBundle(dataDir, OPERATOR) };
}
const children: ChildProcessWithoutNullStreams[] = [];

function startMain(env: Record<string, string>, nodeArgs: readonly string[] = []) {
  const child = spawn(process.execPath, [...nodeArgs, ...SERVER_PROCESS_ARGS], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
  });
  children.push(child);
  let output = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of waiters.filter((w) => w.pattern.test(output))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    waitFor: (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(output)) return resolve();
        waiters.push({ pattern, resolve });
        void exited.then((code) => reject(new Error(`exited with ${code} before ${pattern}: ${output}`)));
      }),
  };
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

const portal = {
  resourceType: 'ClientApplication',
  id: 'in-flight',
  name: 'In flight',
  grantType: ['authorization_code'],
  responseTypes: 'code',
  redirectUri: ['https://portal.example.com/cb'],
  secret: 'a-secret-that-takes-a-while-to-hash',
};

describe('npm start (src/server/main.ts)', () => {
  it('is what these tests run: plain node on the bundle of scripts/build-server.mjs, with the same flags', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const { scripts } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start?.split(' && ')).toEqual([
      'vite build --logLevel warn',
      'node scripts/build-server.mjs',
      ['node', ...SERVER_NODE_ARGS, path.relative(root, SERVER_BUNDLE)].join(' '),
    ]);
    expect(SERVER_PROCESS_ARGS).toEqual([...SERVER_NODE_ARGS, SERVER_BUNDLE]);
  });

  it('prints where to log in and the API URLs, and serves /metadata', async () => {
    const port = await freePort();
    const { dataDir, seed } = seededDataDir();
    const main = startMain({ PORT: String(port), DATA_DIR: dataDir, SEED_BUNDLE: seed });
    await main.waitFor(/Client Admin is running/);
    const base = `http://localhost:${port}/w/default/default/api/v1/fhir/r4`;
    expect(main.output()).toContain(`Console           http://localhost:${port}/`);
    expect(main.output()).toContain(`FHIR API (R4)     ${base}`);
    const metadata = await fetch(`http://127.0.0.1:${port}/w/default/default/api/v1/fhir/r4/metadata`, {
      headers: { authorization: AUTHORIZATION },
    });
    expect(metadata.status).toBe(200);
    expect(((await metadata.json()) as { resourceType: string }).resourceType).toBe('CapabilityStatement');
    expect(fs.existsSync(path.join(dataDir, 'client-admin.sqlite'))).toBe(true);
    // First start without ADMIN_PASSWORD: a generated password is printed once, with the login URL.
    expect(main.output()).toMatch(/Login URL {9}http:\/\/localhost:\d+\/\n {2}Email {13}admin@localhost\n {2}Password {10}\S{20,}/);
    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);

    const again = startMain({ PORT: String(port), DATA_DIR: dataDir });
    await again.waitFor(/Client Admin is running/);
    expect(again.output()).not.toMatch(/Password/);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('finishes an in-flight write on SIGTERM, exits 0, and the write is there after a restart', async () => {
    const port = await freePort();
    const { dataDir, seed } = seededDataDir();
    const main = startMain({ PORT: String(port), DATA_DIR: dataDir, SEED_BUNDLE: seed });
    await main.waitFor(/Client Admin is running/);
    const url = `http://127.0.0.1:${port}/w/default/default/api/v1/fhir/r4/ClientApplication/in-flight`;
    const response = fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/fhir+json', authorization: AUTHORIZATION },
      body: JSON.stringify(portal),
    });
    await main.waitFor(/"method":"PUT"/);
    main.child.kill('SIGTERM');
    expect((await response).status).toBe(201);
    expect(await main.exited).toBe(0);
    expect(main.output()).toMatch(/shutting down/);
    expect(main.output()).not.toContain(portal.secret);

    const again = startMain({ PORT: String(port), DATA_DIR: dataDir });
    await again.waitFor(/Client Admin is running/);
    const read = await fetch(url, { headers: { authorization: AUTHORIZATION } });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('W/"1"');
    again.child.kill('SIGTERM');
    await again.exited;
  });

  it('hands back the young generation once quiet after a burst of requests (idle-collection.ts)', async () => {
    const port = await freePort();
    const { dataDir, seed } = seededDataDir();
    // --trace-gc: V8 prints each collection, and names one that gc() asked for "testing".
    const main = startMain({ PORT: String(port), DATA_DIR: dataDir, SEED_BUNDLE: seed, LOG_LEVEL: 'debug' }, ['--trace-gc']);
    await main.waitFor(/Client Admin is running/);
    const url = `http://127.0.0.1:${port}/w/default/default/api/v1/fhir/r4/ClientApplication?_count=50`;
    for (let i = 0; i < 40; i++) {
      await Promise.all(Array.from({ length: 10 }, () => fetch(url, { headers: { authorization: AUTHORIZATION } }).then((r) => r.arrayBuffer())));
    }
    const burstEnd = main.output().length;
    await main.waitFor(/"step":"shrink"[^\n]*"msg":"idle collection"/);
    const linesAfterBurst = main.output().slice(burstEnd).split('\n');
    const collections = linesAfterBurst
      .filter((line) => line.includes('"msg":"idle collection"'))
      .map((line) => JSON.parse(line) as { step: string; youngMbBefore: number; youngMbAfter: number; heapMbBefore: number; heapMbAfter: number });
    expect(collections.map((c) => c.step)).toEqual(['settle', 'shrink']);
    const [, shrink] = collections as [unknown, (typeof collections)[number]];
    // The burst grew the young generation (to 32 MB here); the second collection shrank it to
    // V8's smallest (1 MB here), and the whole heap with it.
    expect(shrink.youngMbBefore).toBeGreaterThan(1);
    expect(shrink.youngMbAfter).toBeLessThanOrEqual(1);
    expect(shrink.heapMbAfter).toBeLessThan(shrink.heapMbBefore);
    // Both were minor collections: a full one would deoptimise the server's hot code.
    const forced = linesAfterBurst.filter((line) => / ms: .*\btesting\b/.test(line));
    expect(forced).toHaveLength(2);
    for (const line of forced) expect(line).toMatch(/ ms: (Scavenge|Minor Mark-Sweep) /);
    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
  });

  it('refuses invalid configuration with a readable list and exit code 1, no stack trace', async () => {
    const main = startMain({ PORT: 'eighty', PUBLIC_URL: 'not a url' });
    expect(await main.exited).toBe(1);
    expect(main.output()).toMatch(/Invalid configuration:\n {2}- PORT: must be a whole number/);
    expect(main.output()).toMatch(/PUBLIC_URL/);
    expect(main.output()).not.toMatch(/\n\s+at /);
  });

  it('refuses an unusable SEED_BUNDLE with one clear line', async () => {
    const dataDir = tempDataDir();
    const seed = path.join(dataDir, 'seed.json');
    fs.writeFileSync(seed, '{"resourceType":"Bundle","type":"collection"}');
    const main = startMain({ PORT: String(await freePort()), DATA_DIR: dataDir, SEED_BUNDLE: seed });
    expect(await main.exited).toBe(1);
    expect(main.output()).toMatch(/SEED_BUNDLE .* is not a transaction or batch Bundle/);
    expect(main.output()).not.toMatch(/\n\s+at /);
  });
});
