import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_EXAMPLE, PORTAL_EXAMPLE } from '../../test-support/documentation-examples.ts';
import { startTestServer, type TestServer } from '../../test-support/test-server.ts';

// Interoperability: a FHIR client library that is not ours (fhir-kit-client) drives the API.

let server: TestServer;
let client: Client;

beforeAll(async () => {
  server = await startTestServer();
  client = new Client({ baseUrl: server.fhirBaseUrl, bearerToken: await server.getAccessToken() });
});
afterAll(async () => server.close());

type Resource = { resourceType: string; id: string; name: string; meta: { versionId: string } };
type SearchBundle = { total: number; entry: { resource: Resource }[] };

describe('fhir-kit-client against the reference server', () => {
  it('reads the CapabilityStatement', async () => {
    const capabilities = (await client.capabilityStatement()) as { resourceType: string };
    expect(capabilities.resourceType).toBe('CapabilityStatement');
  });

  it('creates, reads, updates, searches and deletes a ClientApplication', async () => {
    const created = (await client.create({
      resourceType: 'ClientApplication',
      body: {
        resourceType: 'ClientApplication',
        name: 'Kit Portal',
        grantType: ['authorization_code'],
        responseTypes: 'code',
        redirectUri: ['https://kit.example.com/cb'],
      },
    })) as Resource;
    expect(created.id).toBeTruthy();

    const read = (await client.read({ resourceType: 'ClientApplication', id: created.id })) as Resource;
    expect(read.name).toBe('Kit Portal');

    const updated = (await client.update({
      resourceType: 'ClientApplication',
      id: created.id,
      body: { ...read, name: 'Kit Portal v2' },
    })) as Resource;
    expect(updated.meta.versionId).toBe('2');

    const found = (await client.search({
      resourceType: 'ClientApplication',
      searchParams: { name: 'kit' },
    })) as unknown as SearchBundle;
    expect(found.total).toBe(1);
    expect(found.entry[0]?.resource.name).toBe('Kit Portal v2');

    await client.delete({ resourceType: 'ClientApplication', id: created.id });
    await expect(client.read({ resourceType: 'ClientApplication', id: created.id })).rejects.toMatchObject({
      response: { status: 410 },
    });
  });

  it('accepts both documentation examples via PUT to their id', async () => {
    for (const body of [CLI_EXAMPLE, PORTAL_EXAMPLE]) {
      const stored = (await client.update({ resourceType: 'ClientApplication', id: body.id, body })) as Resource & { secret?: string };
      expect(stored.id).toBe(body.id);
      expect(stored.secret).toBeUndefined();
    }
  });
});
