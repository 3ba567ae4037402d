import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_EXAMPLE, PORTAL_EXAMPLE } from '../../test-support/documentation-examples.ts';
import { fhirHttp } from '../../test-support/http.ts';
import { startTestServer, type TestServer } from '../../test-support/test-server.ts';

// SPEC §2 documentation examples, verbatim plus resourceType.
const CLI = CLI_EXAMPLE;
const PORTAL = PORTAL_EXAMPLE;

let server: TestServer;
let http: ReturnType<typeof fhirHttp>;

beforeAll(async () => {
  server = await startTestServer();
  http = fhirHttp(server);
});
afterAll(async () => server.close());

let counter = 0;
const uniqueId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${counter++}`;
const portal = (id: string, extra: Record<string, unknown> = {}) => ({ ...PORTAL, id, ...extra });

describe('capabilities', () => {
  it('serves a CapabilityStatement listing ClientApplication and its search parameters', async () => {
    const res = await http('/metadata');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(res.body.resourceType).toBe('CapabilityStatement');
    expect(res.body.fhirVersion).toBe('4.0.1');
    const resource = res.body.rest[0].resource[0];
    expect(resource.type).toBe('ClientApplication');
    expect(resource.interaction.map((i: { code: string }) => i.code)).toEqual(
      expect.arrayContaining(['read', 'vread', 'update', 'patch', 'delete', 'create', 'search-type', 'history-instance']),
    );
    expect(resource.searchParam.map((p: { name: string }) => p.name)).toEqual(['name', 'grantType', '_id', '_lastUpdated']);
  });
});

describe('the documentation examples', () => {
  it('accepts both via PUT to their id, then updates them as version 2', async () => {
    for (const example of [CLI, PORTAL]) {
      const created = await http(`/ClientApplication/${example.id}`, { method: 'PUT', body: example });
      expect(created.status).toBe(201);
      expect(created.headers.get('etag')).toBe('W/"1"');
      expect(created.headers.get('location')).toBe(`${server.fhirBaseUrl}/ClientApplication/${example.id}/_history/1`);
      expect(created.body.name).toBe(example.name);

      const updated = await http(`/ClientApplication/${example.id}`, { method: 'PUT', body: { ...example, description: 'v2' } });
      expect(updated.status).toBe(200);
      expect(updated.headers.get('etag')).toBe('W/"2"');
      expect(updated.body.meta.versionId).toBe('2');
    }
    const cli = await http('/ClientApplication/cli');
    expect(cli.body.meta.tag).toEqual([expect.objectContaining({ code: 'secret-set' })]);
    const portalRead = await http('/ClientApplication/patient-portal');
    expect(portalRead.body.meta.tag).toBeUndefined();
  });
});

describe('create, read, update, delete', () => {
  it('POST assigns the id and answers 201 with Location, ETag and Last-Modified', async () => {
    const res = await http('/ClientApplication', { method: 'POST', body: { ...PORTAL, id: 'ignored-by-post' } });
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe('ignored-by-post');
    expect(res.body.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    expect(res.headers.get('location')).toBe(`${server.fhirBaseUrl}/ClientApplication/${res.body.id}/_history/1`);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(new Date(res.headers.get('last-modified') ?? '').getTime()).not.toBeNaN();
    const read = await http(`/ClientApplication/${res.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('keeps every version: vread returns old versions, history lists them newest first', async () => {
    const id = uniqueId('versions');
    await http(`/ClientApplication/${id}`, { method: 'PUT', body: portal(id, { name: 'First' }) });
    await http(`/ClientApplication/${id}`, { method: 'PUT', body: portal(id, { name: 'Second' }) });
    const v1 = await http(`/ClientApplication/${id}/_history/1`);
    expect(v1.status).toBe(200);
    expect(v1.body.name).toBe('First');
    expect(v1.headers.get('etag')).toBe('W/"1"');
    const history = await http(`/ClientApplication/${id}/_history`);
    expect(history.body.type).toBe('history');
    expect(history.body.total).toBe(2);
    expect(history.body.entry.map((e: { resource: { name: string } }) => e.resource.name)).toEqual(['Second', 'First']);
    expect(history.body.entry[1].response.status).toBe('201 Created');
    expect((await http(`/ClientApplication/${id}/_history/9`)).status).toBe(404);
  });

  it('DELETE answers 204; afterwards read is 410, old versions remain, and the id can be re-created', async () => {
    const id = uniqueId('deleted');
    await http(`/ClientApplication/${id}`, { method: 'PUT', body: portal(id) });
    const del = await http(`/ClientApplication/${id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    const read = await http(`/ClientApplication/${id}`);
    expect(read.status).toBe(410);
    expect(read.body.resourceType).toBe('OperationOutcome');
    expect((await http(`/ClientApplication/${id}/_history/1`)).status).toBe(200);
    expect((await http(`/ClientApplication/${id}/_history/2`)).status).toBe(410);
    expect((await http(`/ClientApplication/${id}`, { method: 'DELETE' })).status).toBe(204);
    const history = await http(`/ClientApplication/${id}/_history`);
    expect(history.body.entry[0]).toMatchObject({ request: { method: 'DELETE' }, response: { status: '204 No Content' } });
    expect(history.body.entry[0].resource).toBeUndefined();
    const search = await http(`/ClientApplication?_id=${id}`);
    expect(search.body.total).toBe(0);
    const recreated = await http(`/ClientApplication/${id}`, { method: 'PUT', body: portal(id) });
    expect(recreated.status).toBe(201);
    expect(recreated.headers.get('etag')).toBe('W/"3"');
  });

  it('answers 404 with an OperationOutcome for unknown ids, types and interactions', async () => {
    const unknown = await http('/ClientApplication/does-not-exist');
    expect(unknown.status).toBe(404);
    expect(unknown.body.issue[0].code).toBe('not-found');
    expect((await http('/ClientApplication/does-not-exist', { method: 'DELETE' })).status).toBe(404);
    const patient = await http('/Patient/1');
    expect(patient.status).toBe(404);
    expect(patient.body.issue[0].diagnostics).toMatch(/ClientApplication resources only/);
  });
});

describe('preconditions', () => {
  it('If-Match with a stale version is 412 and changes nothing; the current version succeeds', async () => {
    const id = uniqueId('if-match');
    await http(`/ClientApplication/${id}`, { method: 'PUT', body: portal(id) });
    await http(`/ClientApplication/${id}`, { method: 'PUT', body: portal(id, { name: 'Two' }) });
    const stale = await http(`/ClientApplication/${id}`, {
      method: 'PUT',
      headers: { 'if-match': 'W/"1"' },
      body: portal(id, { name: 'Stale' }),
    });
    expect(stale.status).toBe(412);
    expect(stale.body.issue[0].diagnostics).toMatch(/current version is 2/);
    expect((await http(`/ClientApplication/${id}`)).body.name).toBe('Two');
    const fresh = await http(`/ClientApplication/${id}`, {
      method: 'PUT',
      headers: { 'if-match': 'W/"2"' },
      body: portal(id, { name: 'Three' }),
    });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe('W/"3"');
  });

  it('If-None-Match: * creates once and then answers 412 (the console\'s "create with this client ID")', async () => {
    const id = uniqueId('if-none-match');
    const first = await http(`/ClientApplication/${id}`, { method: 'PUT', headers: { 'if-none-match': '*' }, body: portal(id) });
    expect(first.status).toBe(201);
    const second = await http(`/ClientApplication/${id}`, {
      method: 'PUT',
      headers: { 'if-none-match': '*' },
      body: portal(id, { name: 'Intruder' }),
    });
    expect(second.status).toBe(412);
    expect(second.body.issue[0].expression).toEqual(['ClientApplication.id']);
    expect((await http(`/ClientApplication/${id}`)).body.name).toBe('Patient Portal');
  });

  it('two concurrent PUTs with the same If-Match: exactly one 200, one 412, and the winner is stored', async () => {
    const id = uniqueId('race');
    await http(`/ClientApplication/${id}`, { method: 'PUT', body: portal(id) });
    const results = await Promise.all(
      ['Alice', 'Bob'].map((name) =>
        http(`/ClientApplication/${id}`, { method: 'PUT', headers: { 'if-match': 'W/"1"' }, body: portal(id, { name }) }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200);
    const stored = await http(`/ClientApplication/${id}`);
    expect(stored.body.name).toBe(winner?.body.name);
    expect(stored.body.meta.versionId).toBe('2');
  });

  it('concurrent conditional creates of one id: exactly one 201', async () => {
    const id = uniqueId('create-race');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        http(`/ClientApplication/${id}`, { method: 'PUT', headers: { 'if-none-match': '*' }, body: portal(id, { name: `N${i}` }) }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(7);
  });
});

describe('bad input gets a clear OperationOutcome and changes nothing', () => {
  it('400 for a body that is not JSON, empty, or not an object', async () => {
    for (const body of ['{"resourceType": ', '', '[1,2]', '"text"']) {
      const res = await http('/ClientApplication/bad-json', { method: 'PUT', body, headers: { 'content-type': 'application/fhir+json' } });
      expect(res.status, body).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.text).not.toMatch(/at .*\.ts|node_modules|Error:/);
    }
    expect((await http('/ClientApplication/bad-json')).status).toBe(404);
  });

  it('415 for a body that is not JSON-typed', async () => {
    const res = await http('/ClientApplication', { method: 'POST', body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
    expect(res.body.issue[0].diagnostics).toMatch(/application\/fhir\+json/);
  });

  it('413 for an oversized body', async () => {
    const res = await http('/ClientApplication', { method: 'POST', body: portal('big', { description: 'x'.repeat(300_000) }) });
    expect(res.status).toBe(413);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('400 naming an unknown key such as extension (the profile is strict)', async () => {
    const id = uniqueId('strict');
    const res = await http(`/ClientApplication/${id}`, { method: 'PUT', body: portal(id, { extension: [] }) });
    expect(res.status).toBe(400);
    expect(res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? [])).toContain('ClientApplication.extension');
    expect((await http(`/ClientApplication/${id}`)).status).toBe(404);
  });

  it('422 for a rule violation, naming the field; the stored version is unchanged', async () => {
    const id = uniqueId('rules');
    await http(`/ClientApplication/${id}`, { method: 'PUT', body: portal(id) });
    const res = await http(`/ClientApplication/${id}`, {
      method: 'PUT',
      body: portal(id, { redirectUri: ['https://ok.example.com/cb', 'http://evil.example.com/cb'] }),
    });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['ClientApplication.redirectUri[1]']);
    const stored = await http(`/ClientApplication/${id}`);
    expect(stored.body.meta.versionId).toBe('1');
  });

  it('400 when the body id differs from the URL id, or the id is not a FHIR id', async () => {
    const mismatch = await http('/ClientApplication/one', { method: 'PUT', body: portal('two') });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.issue[0].expression).toEqual(['ClientApplication.id']);
    const badId = await http('/ClientApplication/has_underscore', { method: 'PUT', body: portal('has_underscore') });
    expect(badId.status).toBe(400);
  });

  it('400 naming unknown search parameters', async () => {
    const res = await http('/ClientApplication?nmae=portal&_elements=id');
    expect(res.status).toBe(400);
    const diagnostics = res.body.issue.map((i: { diagnostics: string }) => i.diagnostics).join(' ');
    expect(diagnostics).toContain('"nmae"');
    expect(diagnostics).toContain('"_elements"');
  });
});

describe('JSON Patch', () => {
  const patch = (id: string, ops: unknown, headers: Record<string, string> = {}) =>
    http(`/ClientApplication/${id}`, { method: 'PATCH', body: ops, headers: { 'content-type': 'application/json-patch+json', ...headers } });

  it('applies operations with the same validation as PUT', async () => {
    const id = uniqueId('patch');
    await http(`/ClientApplication/${id}`, { method: 'PUT', body: portal(id) });
    const ok = await patch(id, [
      { op: 'replace', path: '/name', value: 'Renamed' },
      { op: 'add', path: '/redirectUri/-', value: 'https://portal.example.com/other' },
    ]);
    expect(ok.status).toBe(200);
    expect(ok.body.name).toBe('Renamed');
    expect(ok.body.redirectUri).toHaveLength(2);
    expect(ok.headers.get('etag')).toBe('W/"2"');

    const invalid = await patch(id, [{ op: 'add', path: '/redirectUri/-', value: 'javascript:alert(1)' }]);
    expect(invalid.status).toBe(422);
    expect(invalid.body.issue[0].expression).toEqual(['ClientApplication.redirectUri[2]']);

    const failedTest = await patch(id, [{ op: 'remove', path: '/logoUri' }, { op: 'test', path: '/name', value: 'Other' }]);
    expect(failedTest.status).toBe(422);
    expect(failedTest.body.issue[0].diagnostics).toBe('Operation 1 (test /name) failed its test: the resource does not hold that value.');
    const missingPath = await patch(id, [{ op: 'replace', path: '/name', value: 'Fine' }, { op: 'remove', path: '/tosUri' }]);
    expect(missingPath.body.issue[0].diagnostics).toBe('Operation 1 (remove /tosUri) points at a path that does not exist.');
    expect((await http(`/ClientApplication/${id}`)).body.logoUri).toBe(PORTAL.logoUri);

    const stale = await patch(id, [{ op: 'replace', path: '/name', value: 'X' }], { 'if-match': 'W/"1"' });
    expect(stale.status).toBe(412);
  });

  it('refuses a patch that is not a JSON Patch array, and one that changes the id', async () => {
    const id = uniqueId('patch-bad');
    await http(`/ClientApplication/${id}`, { method: 'PUT', body: portal(id) });
    expect((await patch(id, { op: 'replace', path: '/name', value: 'x' })).status).toBe(400);
    expect((await patch(id, [{ op: 'replace', path: '/id', value: 'other' }])).status).toBe(422);
    const wrongType = await http(`/ClientApplication/${id}`, { method: 'PATCH', body: [{ op: 'remove', path: '/logoUri' }] });
    expect(wrongType.status).toBe(415);
  });
});

describe('console runtime settings', () => {
  it('serves /config.json naming the FHIR base, the issuer and the console client, without a token', async () => {
    const res = await fetch(`${server.origin}/config.json`);
    expect(res.status).toBe(200);
    const discovery = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json();
    expect(await res.json()).toEqual({
      fhirBaseUrl: server.fhirBaseUrl,
      issuer: server.issuer,
      clientId: 'admin-app',
      scopes: expect.stringContaining('user/ClientApplication.'),
      // The OP's own discovery document, so the console need not fetch it before signing in.
      metadata: discovery,
    });
  });
});

describe('who changed it', () => {
  it('records the acting client in meta.source of every version, whatever the body says', async () => {
    const id = uniqueId('source');
    const created = await http(`/ClientApplication/${id}`, {
      method: 'PUT',
      body: portal(id, { meta: { source: 'urn:forged' } }),
    });
    expect(created.body.meta.source).toBe('urn:client-admin:client:test-system-client');
    const history = await http(`/ClientApplication/${id}/_history`);
    expect(history.body.entry[0].resource.meta.source).toBe('urn:client-admin:client:test-system-client');
  });
});

describe('favicon', () => {
  it('serves an icon at /favicon.ico, so no page (the sign-in pages included) logs a 404', async () => {
    const res = await fetch(`${server.origin}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    // The PNG signature, then the size from its header: 32 × 32.
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([32, 32]);
  });
});
