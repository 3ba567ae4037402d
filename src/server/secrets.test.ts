import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fhirHttp, type HttpResult } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import { loggerOptions } from './logger.ts';
import { verifySecret } from './oidc/secret-hash.ts';

// SPEC §4: the server stores only a slow salted hash and never returns the secret or its hash.

const FIRST = 'first-plaintext-secret-6b1f0c2e9d7a';
const SECOND = 'second-plaintext-secret-94c1e0aa3f55';
const logLines: string[] = [];
let server: TestServer;
let http: ReturnType<typeof fhirHttp>;
const responses: HttpResult[] = [];

const confidentialPortal = (id: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'ClientApplication',
  id,
  name: 'Confidential portal',
  grantType: ['authorization_code'],
  responseTypes: 'code',
  redirectUri: ['https://portal.example.com/cb'],
  ...extra,
});

async function record(promise: Promise<HttpResult>) {
  const result = await promise;
  responses.push(result);
  return result;
}

beforeAll(async () => {
  server = await startTestServer({}, { logger: loggerOptions('trace', { write: (line) => void logLines.push(line) }) });
  http = fhirHttp(server);
});
afterAll(async () => server.close());

describe('secret lifecycle', () => {
  it('hashes on create, keeps on PUT without secret, rotates on PUT with one, removes on JSON Patch remove', async () => {
    const id = 'secret-lifecycle';
    const created = await record(http(`/ClientApplication/${id}`, { method: 'PUT', body: confidentialPortal(id, { secret: FIRST }) }));
    expect(created.status).toBe(201);
    expect(created.body.meta.tag).toContainEqual(expect.objectContaining({ code: 'secret-set' }));
    const firstHash = server.app.store.read(id)?.secretHash ?? '';
    expect(firstHash).toMatch(/^\$argon2id\$/);
    expect(await verifySecret(FIRST, firstHash)).toBe(true);

    const kept = await record(http(`/ClientApplication/${id}`, { method: 'PUT', body: confidentialPortal(id, { name: 'Renamed' }) }));
    expect(kept.status).toBe(200);
    expect(kept.body.meta.tag).toContainEqual(expect.objectContaining({ code: 'secret-set' }));
    expect(server.app.store.read(id)?.secretHash).toBe(firstHash);

    const rotated = await record(http(`/ClientApplication/${id}`, { method: 'PUT', body: confidentialPortal(id, { secret: SECOND }) }));
    expect(rotated.status).toBe(200);
    const secondHash = server.app.store.read(id)?.secretHash ?? '';
    expect(await verifySecret(FIRST, secondHash)).toBe(false);
    expect(await verifySecret(SECOND, secondHash)).toBe(true);

    const removed = await record(
      http(`/ClientApplication/${id}`, {
        method: 'PATCH',
        body: [{ op: 'remove', path: '/secret' }],
        headers: { 'content-type': 'application/json-patch+json' },
      }),
    );
    expect(removed.status).toBe(200);
    expect(removed.body.meta.tag).toBeUndefined();
    expect(server.app.store.read(id)?.secretHash).toBeNull();
  });

  it('a secret cannot be read back through a JSON Patch test, copy or move', async () => {
    const id = 'secret-probe';
    await record(http(`/ClientApplication/${id}`, { method: 'PUT', body: confidentialPortal(id, { secret: FIRST }) }));
    for (const op of [
      { op: 'test', path: '/secret', value: FIRST },
      { op: 'copy', from: '/secret', path: '/description' },
      { op: 'move', from: '/secret', path: '/description' },
    ]) {
      const res = await record(
        http(`/ClientApplication/${id}`, { method: 'PATCH', body: [op], headers: { 'content-type': 'application/json-patch+json' } }),
      );
      expect(res.status, op.op).toBe(422);
      expect(res.body.issue[0].expression).toEqual(['ClientApplication.secret']);
    }
    expect((await http(`/ClientApplication/${id}`)).body.description).toBeUndefined();
  });

  it('client_credentials needs a secret: a PUT without one is 422 unless one is stored', async () => {
    const backend = { resourceType: 'ClientApplication', id: 'needs-secret', name: 'Backend', grantType: ['client_credentials'], responseTypes: 'token' };
    const missing = await record(http('/ClientApplication/needs-secret', { method: 'PUT', body: backend }));
    expect(missing.status).toBe(422);
    expect(missing.body.issue[0].expression).toEqual(['ClientApplication.secret']);
    expect((await record(http('/ClientApplication/needs-secret', { method: 'PUT', body: { ...backend, secret: FIRST } }))).status).toBe(201);
    expect((await record(http('/ClientApplication/needs-secret', { method: 'PUT', body: backend }))).status).toBe(200);
  });

  it('never appears in any response: read, vread, search, history, errors', async () => {
    const id = 'secret-everywhere';
    await record(http(`/ClientApplication/${id}`, { method: 'PUT', body: confidentialPortal(id, { secret: FIRST }) }));
    await record(http(`/ClientApplication/${id}`, { method: 'PUT', body: confidentialPortal(id, { secret: SECOND }) }));
    await record(http(`/ClientApplication/${id}`));
    await record(http(`/ClientApplication/${id}/_history/1`));
    await record(http(`/ClientApplication/${id}/_history`));
    await record(http('/ClientApplication/_history'));
    await record(http('/ClientApplication?name=conf'));
    // An invalid write that carries a secret: the error must not echo it.
    await record(http(`/ClientApplication/${id}`, { method: 'PUT', body: confidentialPortal(id, { secret: FIRST, redirectUri: ['nope'] }) }));
    await record(http(`/ClientApplication/${id}`, { method: 'PUT', body: { ...confidentialPortal(id), secret: 42 } }));
    await record(http(`/ClientApplication/${id}`, { method: 'PUT', body: `{"secret":"${FIRST}", oops` }));

    const hash = server.app.store.read(id)?.secretHash ?? '';
    expect(hash).not.toBe('');
    for (const res of responses) {
      const everything = res.text + JSON.stringify([...res.headers.entries()]);
      for (const needle of [FIRST, SECOND, hash, hash.split('$').at(-1) ?? '']) {
        expect(everything).not.toContain(needle);
      }
      expect(res.text).not.toMatch(/"secret"\s*:/);
    }
    expect(responses.length).toBeGreaterThan(15);
  });

  it('never appears in the log output', () => {
    const log = logLines.join('');
    expect(logLines.length).toBeGreaterThan(20);
    expect(log).toContain('/ClientApplication/secret-everywhere');
    expect(log).not.toContain(FIRST);
    expect(log).not.toContain(SECOND);
    expect(log).not.toContain('$argon2id$');
  });

  it('cannot be found in plaintext by scanning the SQLite files', () => {
    const files = fs.readdirSync(server.config.dataDir).map((f) => path.join(server.config.dataDir, f));
    expect(files.some((f) => f.endsWith('.sqlite'))).toBe(true);
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      for (const secret of [FIRST, SECOND]) {
        expect(bytes.includes(Buffer.from(secret, 'utf8')), `${secret} in ${path.basename(file)}`).toBe(false);
        expect(bytes.includes(Buffer.from(secret, 'utf16le'))).toBe(false);
      }
    }
  });
});
