import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fhirHttp } from '../test-support/http.ts';
import { startTestServer, tempDataDir, type TestServer } from '../test-support/test-server.ts';
import { applySeedBundle, SeedError } from './seed.ts';

const bundle = (entries: unknown[], type = 'transaction') => ({
  resourceType: 'Bundle',
  type,
  entry: entries.map((resource) => ({
    resource,
    request: { method: 'PUT', url: `ClientApplication/${(resource as { id: string }).id}` },
  })),
});

const backend = {
  resourceType: 'ClientApplication',
  id: 'seeded-backend',
  name: 'Seeded backend',
  grantType: ['client_credentials'],
  responseTypes: 'token',
  secret: 'seeded-secret-value-123',
  scope: 'system/*.*',
};
const portal = {
  resourceType: 'ClientApplication',
  id: 'seeded-portal',
  name: 'Seeded portal',
  grantType: ['authorization_code'],
  responseTypes: 'code',
  redirectUri: ['https://portal.example.com/cb'],
};

let server: TestServer | undefined;
afterEach(async () => server?.close());

function writeBundle(dir: string, content: unknown): string {
  const file = path.join(dir, 'seed.json');
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('SEED_BUNDLE', () => {
  it('is applied at start and again idempotently: unchanged entries write no new version', async () => {
    const dir = tempDataDir();
    const file = writeBundle(dir, bundle([backend, portal]));
    server = await startTestServer({ DATA_DIR: dir });
    expect(await applySeedBundle(file, server.app.store)).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(await applySeedBundle(file, server.app.store)).toEqual({ created: 0, updated: 0, unchanged: 2 });
    const http = fhirHttp(server);
    expect((await http('/ClientApplication/seeded-backend')).headers.get('etag')).toBe('W/"1"');

    writeBundle(dir, bundle([{ ...backend, secret: 'a-rotated-seeded-secret' }, { ...portal, name: 'Renamed' }], 'batch'));
    expect(await applySeedBundle(file, server.app.store)).toEqual({ created: 0, updated: 2, unchanged: 0 });
    expect((await http('/ClientApplication/seeded-portal')).body.name).toBe('Renamed');
    expect((await http('/ClientApplication/seeded-backend')).headers.get('etag')).toBe('W/"2"');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a bundle that is not JSON, not PUT entries, or holds an invalid resource, naming the entry', async () => {
    const dir = tempDataDir();
    server = await startTestServer({ DATA_DIR: dir });
    const store = server.app.store;
    await expect(applySeedBundle(writeBundle(dir, '{oops'), store)).rejects.toThrow(/could not be read as JSON/);
    const post = { resourceType: 'Bundle', type: 'batch', entry: [{ resource: portal, request: { method: 'POST', url: 'ClientApplication' } }] };
    await expect(applySeedBundle(writeBundle(dir, post), store)).rejects.toThrow(SeedError);
    const invalid = bundle([{ ...portal, redirectUri: ['http://evil.example.com/cb'] }]);
    await expect(applySeedBundle(writeBundle(dir, invalid), store)).rejects.toThrow(/entry 0 .*redirectUri\[0\]/);
    expect(store.read('seeded-portal')).toBeUndefined();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
