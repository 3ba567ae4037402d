import { createServer } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { testTokenProvider } from '../test-support/test-token.ts';
import { createFhirClient } from './client.ts';
import { FhirError, FhirNetworkError, isFhirError } from './fhir-error.ts';

// The generic REST client against the real reference server started by the vitest globalSetup.

const baseUrl = inject('fhirBaseUrl');
// The API requires a token: the shared test server's system client gets one (client_credentials).
const getAccessToken = testTokenProvider({
  tokenEndpoint: inject('tokenEndpoint'),
  clientId: inject('testClientId'),
  clientSecret: inject('testClientSecret'),
});
const client = createFhirClient({ baseUrl, getAccessToken: () => getAccessToken() });
const run = Math.random().toString(36).slice(2, 8);

function backend(id: string, name = `Raw ${run} ${id}`) {
  return {
    resourceType: 'ClientApplication',
    id,
    name,
    grantType: ['client_credentials'],
    responseTypes: 'token',
    secret: `s3cret-${crypto.randomUUID()}`,
    scope: 'system/*.read',
  };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('FHIR client against the reference server', () => {
  it('reads the CapabilityStatement', async () => {
    const capabilities = await client.capabilities();
    expect(capabilities.resourceType).toBe('CapabilityStatement');
  });

  it('POST creates with a server-assigned id, 201, Location and ETag W/"1"', async () => {
    const { id: _ignored, ...body } = backend('ignored');
    const created = await client.create('ClientApplication', body);
    expect(created.status).toBe(201);
    expect(created.resource.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    expect(created.etag).toBe('W/"1"');
    expect(created.versionId).toBe('1');
    expect(created.location).toContain(`/ClientApplication/${created.resource.id}`);
  });

  it('conditional create takes a free id once, then answers 412', async () => {
    const resource = backend(`raw-${run}-cond`);
    const created = await client.createWithId('ClientApplication', resource);
    expect(created.status).toBe(201);
    expect(created.resource.id).toBe(resource.id);

    const error = await client.createWithId('ClientApplication', resource).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FhirError);
    expect((error as FhirError).status).toBe(412);
  });

  it('update with the current ETag makes a new version; a stale one is refused with 412', async () => {
    const resource = backend(`raw-${run}-etag`);
    const v1 = await client.createWithId('ClientApplication', resource);
    const v2 = await client.update('ClientApplication', { ...resource, description: 'two' }, { ifMatch: v1.etag });
    expect(v2.status).toBe(200);
    expect(v2.versionId).not.toBe(v1.versionId);
    expect(v2.etag).not.toBe(v1.etag);

    const stale = await client
      .update('ClientApplication', { ...resource, description: 'lost update' }, { ifMatch: v1.etag })
      .catch((e: unknown) => e);
    expect(isFhirError(stale) && stale.status).toBe(412);

    // A bare versionId is accepted as If-Match too.
    const v3 = await client.update('ClientApplication', { ...resource, description: 'three' }, { ifMatch: v2.versionId });
    expect(v3.resource.description).toBe('three');
  });

  it('vread returns an old version', async () => {
    const resource = backend(`raw-${run}-vread`);
    const v1 = await client.createWithId('ClientApplication', resource);
    await client.update('ClientApplication', { ...resource, name: `Raw ${run} renamed` });
    const old = await client.vread('ClientApplication', resource.id, v1.versionId ?? '1');
    expect(old.resource.name).toBe(resource.name);
    expect(old.versionId).toBe(v1.versionId);
  });

  it('reading an unknown id is a 404 FhirError with an OperationOutcome', async () => {
    const error = await client.read('ClientApplication', `raw-${run}-nobody`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FhirError);
    expect((error as FhirError).status).toBe(404);
    expect((error as FhirError).outcome?.resourceType).toBe('OperationOutcome');
    expect((error as FhirError).message).not.toMatch(/^FHIR server responded/);
  });

  it('encodes ids, so a path-like id cannot reach another route', async () => {
    const error = await client.read('ClientApplication', '../metadata').catch((e: unknown) => e);
    expect(isFhirError(error)).toBe(true);
    await expect(client.delete('ClientApplication', '..')).rejects.toThrow(TypeError);
  });

  it('reads the history of the whole type', async () => {
    const resource = backend(`raw-${run}-type-history`);
    await client.createWithId('ClientApplication', resource);
    const history = await client.history('ClientApplication', undefined, { _count: 50 });
    expect(history.bundle.type).toBe('history');
    expect(history.total).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(history)).not.toContain(resource.secret);
  });

  it('an unknown search parameter is a 400 naming it', async () => {
    const error = await client.search('ClientApplication', { colour: 'blue' }).catch((e: unknown) => e);
    expect(isFhirError(error) && error.status).toBe(400);
    expect((error as FhirError).message).toContain('colour');
  });

  it('pages through a search with the server links, and with _offset', async () => {
    const prefix = `Pager${run}`;
    for (const n of [1, 2, 3, 4, 5]) {
      await client.createWithId('ClientApplication', backend(`raw-${run}-page-${n}`, `${prefix} ${n}`));
    }
    const first = await client.pageSearch('ClientApplication', { name: prefix, _sort: 'name' }, { count: 2 });
    expect(first.total).toBe(5);
    expect(first.resources.map((r) => r.name)).toEqual([`${prefix} 1`, `${prefix} 2`]);
    expect(first.previous).toBeUndefined();

    const second = await client.searchUrl(first.next ?? '');
    expect(second.resources.map((r) => r.name)).toEqual([`${prefix} 3`, `${prefix} 4`]);
    const third = await client.searchUrl(second.next ?? '');
    expect(third.resources.map((r) => r.name)).toEqual([`${prefix} 5`]);
    expect(third.next).toBeUndefined();
    const back = await client.searchUrl(third.previous ?? '');
    expect(back.resources.map((r) => r.name)).toEqual([`${prefix} 3`, `${prefix} 4`]);

    const byOffset = await client.pageSearch('ClientApplication', { name: prefix, _sort: 'name' }, { offset: 4, count: 2 });
    expect(byOffset.resources.map((r) => r.name)).toEqual([`${prefix} 5`]);
    expect(byOffset).toMatchObject({ offset: 4, previousOffset: 2 });
    expect(byOffset.nextOffset).toBeUndefined();
  });

  it('delete answers normally; the resource then reads as gone (410)', async () => {
    const resource = backend(`raw-${run}-delete`);
    await client.createWithId('ClientApplication', resource);
    await client.delete('ClientApplication', resource.id);
    const error = await client.read('ClientApplication', resource.id).catch((e: unknown) => e);
    expect(isFhirError(error) && error.status).toBe(410);
  });

  it('an unreachable server is a FhirNetworkError, not a FhirError', async () => {
    const port = await closedPort();
    const offline = createFhirClient({ baseUrl: `http://127.0.0.1:${port}/w/default/default/api/v1/fhir/r4` });
    const error = await offline.read('ClientApplication', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FhirNetworkError);
    expect(isFhirError(error)).toBe(false);
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
  });

  it('an aborted request rejects with the AbortError, not a network error', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await client.read('ClientApplication', 'x', { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(FhirNetworkError);
    expect((error as Error).name).toBe('AbortError');
  });
});
