import { describe, expect, inject, it } from 'vitest';
import { hasSecretTag, type ClientApplication } from '../model/client-application.ts';
import { testTokenProvider } from '../test-support/test-token.ts';
import { createFhirClient } from './client.ts';
import {
  clientApplicationHistory,
  createClientApplication,
  patchClientApplication,
  readClientApplication,
  readClientApplicationVersion,
  revokeClientApplication,
  searchClientApplications,
  searchClientApplicationsByUrl,
  updateClientApplication,
} from './client-applications.ts';
import { FhirError, FhirInvalidResponseError, isFhirError } from './fhir-error.ts';

// The typed verbs the console and CLI use, end to end against the real reference server.

const baseUrl = inject('fhirBaseUrl');
// The API requires a token: the shared test server's system client gets one (client_credentials).
const getAccessToken = testTokenProvider({
  tokenEndpoint: inject('tokenEndpoint'),
  clientId: inject('testClientId'),
  clientSecret: inject('testClientSecret'),
});
const client = createFhirClient({ baseUrl, getAccessToken: () => getAccessToken() });
const run = Math.random().toString(36).slice(2, 8);

function newSecret(): string {
  return `s3cret-${crypto.randomUUID()}-${crypto.randomUUID()}`;
}

function backendClient(id: string | undefined, secret = newSecret()): ClientApplication {
  return {
    resourceType: 'ClientApplication',
    ...(id === undefined ? {} : { id }),
    name: `Typed ${run} ${id ?? 'posted'}`,
    grantType: ['client_credentials'],
    responseTypes: 'token',
    secret,
    scope: 'system/*.read',
  };
}

function portal(id: string, name = `Portal ${run} ${id}`): ClientApplication {
  return {
    resourceType: 'ClientApplication',
    id,
    name,
    grantType: ['authorization_code', 'refresh_token'],
    responseTypes: 'code',
    redirectUri: ['https://portal.example.com/callback'],
    scope: 'openid profile offline_access',
  };
}

async function rejection(promise: Promise<unknown>): Promise<FhirError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isFhirError(error)) throw new Error(`expected a FhirError, got ${String(error)}`);
  return error;
}

describe('ClientApplication verbs against the reference server', () => {
  it('creates with POST when there is no id, and never returns the secret', async () => {
    const secret = newSecret();
    const created = await createClientApplication(client, backendClient(undefined, secret));
    expect(created.status).toBe(201);
    expect(created.resource.id).toBeTruthy();
    expect(created.resource.secret).toBeUndefined();
    expect(hasSecretTag(created.resource)).toBe(true);
    expect(JSON.stringify(created)).not.toContain(secret);
  });

  it('creates with a chosen client ID once; the second time is a 412', async () => {
    const resource = portal(`typed-${run}-chosen`);
    const created = await createClientApplication(client, resource);
    expect(created.status).toBe(201);
    expect(created.resource.id).toBe(resource.id);
    expect(hasSecretTag(created.resource)).toBe(false);

    const error = await rejection(createClientApplication(client, { ...resource, name: 'Impostor' }));
    expect(error.status).toBe(412);
    const unchanged = await readClientApplication(client, resource.id ?? '');
    expect(unchanged.resource.name).toBe(resource.name);
  });

  it('reads and vreads with ETag and versionId', async () => {
    const resource = backendClient(`typed-${run}-read`);
    await createClientApplication(client, resource);
    const read = await readClientApplication(client, resource.id ?? '');
    expect(read.resource).toMatchObject({ id: resource.id, name: resource.name, grantType: resource.grantType });
    expect(read.etag).toBe('W/"1"');
    expect(read.versionId).toBe('1');
    expect(read.lastModified).toBeTruthy();

    const v1 = await readClientApplicationVersion(client, resource.id ?? '', '1');
    expect(v1.resource.name).toBe(resource.name);
  });

  it('updates with the current ETag, keeps the stored secret, and refuses a stale ETag', async () => {
    const resource = backendClient(`typed-${run}-update`);
    const v1 = await createClientApplication(client, resource);
    const { secret: _secret, ...withoutSecret } = resource;

    const v2 = await updateClientApplication(client, { ...withoutSecret, description: 'edited' }, { ifMatch: v1.etag });
    expect(v2.status).toBe(200);
    expect(v2.versionId).toBe('2');
    expect(v2.resource.description).toBe('edited');
    expect(hasSecretTag(v2.resource)).toBe(true);

    const error = await rejection(
      updateClientApplication(client, { ...withoutSecret, description: 'stale' }, { ifMatch: v1.etag }),
    );
    expect(error.status).toBe(412);
  });

  it('applies a JSON Patch with If-Match, keeping the stored secret', async () => {
    const resource = backendClient(`typed-${run}-patch`);
    const v1 = await createClientApplication(client, resource);

    const patched = await patchClientApplication(
      client,
      resource.id ?? '',
      [{ op: 'replace', path: '/name', value: `Patched ${run}` }],
      { ifMatch: v1.etag },
    );
    expect(patched.resource.name).toBe(`Patched ${run}`);
    expect(patched.versionId).not.toBe(v1.versionId);
    expect(hasSecretTag(patched.resource)).toBe(true);

    const stale = await rejection(
      patchClientApplication(client, resource.id ?? '', [{ op: 'replace', path: '/name', value: 'stale' }], {
        ifMatch: v1.etag,
      }),
    );
    expect(stale.status).toBe(412);
  });

  it('JSON Patch remove /secret makes the client public', async () => {
    const resource: ClientApplication = { ...portal(`typed-${run}-unsecret`), secret: newSecret() };
    const v1 = await createClientApplication(client, resource);
    expect(hasSecretTag(v1.resource)).toBe(true);

    const patched = await patchClientApplication(client, resource.id ?? '', [{ op: 'remove', path: '/secret' }]);
    expect(hasSecretTag(patched.resource)).toBe(false);
  });

  it('a rule violation is a 422 whose issue names the field', async () => {
    const resource = portal(`typed-${run}-invalid`);
    const error = await rejection(
      createClientApplication(client, { ...resource, redirectUri: ['javascript:alert(1)'] }),
    );
    expect(error.status).toBe(422);
    expect(error.issues[0]?.expression).toEqual(['ClientApplication.redirectUri[0]']);
    expect(error.message).toContain('ClientApplication.redirectUri[0]');
  });

  it('searches by name prefix and follows next/previous links', async () => {
    const prefix = `Findme${run}`;
    for (const n of [1, 2, 3]) await createClientApplication(client, portal(`typed-${run}-find-${n}`, `${prefix} ${n}`));
    await createClientApplication(client, portal(`typed-${run}-other`, `Other ${run}`));

    // Prefix match is case-insensitive (SPEC §2).
    const first = await searchClientApplications(client, { name: prefix.toLowerCase(), _sort: 'name', _count: 2 });
    expect(first.total).toBe(3);
    expect(first.resources.map((r) => r.id)).toEqual([`typed-${run}-find-1`, `typed-${run}-find-2`]);
    expect(first.next).toBeDefined();

    const second = await searchClientApplicationsByUrl(client, first.next ?? '');
    expect(second.resources.map((r) => r.id)).toEqual([`typed-${run}-find-3`]);
    expect(second.next).toBeUndefined();

    const back = await searchClientApplicationsByUrl(client, second.previous ?? '');
    expect(back.resources.map((r) => r.id)).toEqual([`typed-${run}-find-1`, `typed-${run}-find-2`]);

    const byOffset = await searchClientApplications(client, { name: prefix, _sort: 'name', _count: 2, _offset: 2 });
    expect(byOffset.resources.map((r) => r.id)).toEqual([`typed-${run}-find-3`]);
    expect(byOffset.previousOffset).toBe(0);
  });

  it('history lists every version, newest first, without any secret', async () => {
    const first = newSecret();
    const second = newSecret();
    const resource = backendClient(`typed-${run}-history`, first);
    await createClientApplication(client, resource);
    await updateClientApplication(client, { ...resource, secret: second, description: 'rotated' });
    await revokeClientApplication(client, resource.id ?? '');

    const history = await clientApplicationHistory(client, resource.id ?? '');
    expect(history.entries.map((e) => e.method)).toEqual(['DELETE', 'PUT', 'PUT']);
    expect(history.entries[0]?.resource).toBeUndefined();
    expect(history.entries[1]?.resource?.description).toBe('rotated');
    const json = JSON.stringify(history);
    expect(json).not.toContain(first);
    expect(json).not.toContain(second);
    expect(json).not.toContain('"secret"');
  });

  it('revoke deletes: the client then reads as gone (410)', async () => {
    const resource = backendClient(`typed-${run}-revoke`);
    await createClientApplication(client, resource);
    await revokeClientApplication(client, resource.id ?? '');
    const error = await rejection(readClientApplication(client, resource.id ?? ''));
    expect(error.status).toBe(410);
  });

  it('reading or revoking an unknown client is a 404', async () => {
    const read = await rejection(readClientApplication(client, `typed-${run}-unknown`));
    expect(read.status).toBe(404);
    const revoke = await rejection(revokeClientApplication(client, `typed-${run}-unknown`));
    expect(revoke.status).toBe(404);
  });
});

// Haste Health returns `secret` on read (SPEC §6) and our server never does, so this one case
// needs a fake of that third-party server.
describe('ClientApplication verbs against a server that returns secrets', () => {
  const leaked = 'leaked-secret-value-123';
  const stored = {
    resourceType: 'ClientApplication',
    id: 'haste',
    name: 'Haste',
    grantType: ['client_credentials'],
    responseTypes: 'token',
    secret: leaked,
  };
  const hasteFetch: typeof fetch = async (input) => {
    const url = new URL(String(input));
    const body = url.pathname.endsWith('/ClientApplication')
      ? { resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ resource: stored }] }
      : url.pathname.endsWith('/_history')
        ? { resourceType: 'Bundle', type: 'history', entry: [{ resource: stored, request: { method: 'PUT', url: 'x' } }] }
        : stored;
    return new Response(JSON.stringify(body), { status: 200, headers: { ETag: 'W/"f3a9c2"' } });
  };
  const haste = createFhirClient({ baseUrl: 'https://haste.example/w/t/p/api/v1/fhir/r4', fetch: hasteFetch });

  it('strips the secret from read, search (bundle included) and history', async () => {
    const read = await readClientApplication(haste, 'haste');
    expect(read.etag).toBe('W/"f3a9c2"');
    const search = await searchClientApplications(haste, { name: 'h' });
    const history = await clientApplicationHistory(haste, 'haste');
    expect(search.resources).toHaveLength(1);
    expect(history.entries).toHaveLength(1);
    for (const result of [read, search, history]) expect(JSON.stringify(result)).not.toContain(leaked);
  });

  it('explains a resource that does not match the schema', async () => {
    const badFetch: typeof fetch = async () =>
      new Response(JSON.stringify({ ...stored, text: { status: 'generated' } }), { status: 200 });
    const bad = createFhirClient({ baseUrl: 'https://haste.example/fhir', fetch: badFetch });
    const error = await readClientApplication(bad, 'haste').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FhirInvalidResponseError);
    expect((error as Error).message).toMatch(/"haste" that does not match the ClientApplication schema/);
    expect((error as Error).message).not.toContain(leaked);
  });
});
