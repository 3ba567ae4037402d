import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fhirHttp } from '../../test-support/http.ts';
import { startTestServer, type TestServer } from '../../test-support/test-server.ts';
import { databaseFile } from '../app.ts';
import { createClientApplicationStore } from '../store/client-applications.ts';
import { openDatabase } from '../store/database.ts';
import { dateInterval, parseSearchParams } from './search-params.ts';

let server: TestServer;
let http: ReturnType<typeof fhirHttp>;

const client = (id: string, name: string, grantType: string[]) => ({
  resourceType: 'ClientApplication',
  id,
  name,
  grantType,
  responseTypes: 'code',
  ...(grantType.includes('client_credentials') ? { secret: `secret-for-${id}` } : {}),
  ...(grantType.includes('authorization_code') ? { redirectUri: [`https://${id}.example.com/cb`] } : {}),
});

const names = (body: { entry?: { resource: { name: string } }[] }) => (body.entry ?? []).map((e) => e.resource.name);

let beforeSecondBatch: string;

beforeAll(async () => {
  server = await startTestServer();
  http = fhirHttp(server);
  const first = [
    client('alpha', 'Alpha Portal', ['authorization_code']),
    client('alpine', 'alpine backend', ['client_credentials']),
    client('beta', 'Beta', ['authorization_code', 'refresh_token']),
    client('gamma', 'Gamma', ['client_credentials', 'basic_auth']),
  ];
  for (const c of first) expect((await http(`/ClientApplication/${c.id}`, { method: 'PUT', body: c })).status).toBe(201);
  await new Promise((resolve) => setTimeout(resolve, 20));
  beforeSecondBatch = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  for (let i = 0; i < 25; i++) {
    const c = client(`page-${String(i).padStart(2, '0')}`, `Paged ${String(i).padStart(2, '0')}`, ['authorization_code']);
    expect((await http(`/ClientApplication/${c.id}`, { method: 'PUT', body: c })).status).toBe(201);
  }
  await http('/ClientApplication/gamma', { method: 'DELETE' });
});
afterAll(async () => server.close());

describe('search', () => {
  it('matches name by case-insensitive prefix, sorted by name', async () => {
    const res = await http('/ClientApplication?name=ALP');
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('searchset');
    expect(res.body.total).toBe(2);
    expect(names(res.body)).toEqual(['alpine backend', 'Alpha Portal'].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(names((await http('/ClientApplication?name=portal')).body)).toEqual([]);
  });

  it('writes each match as an entry with its fullUrl, the resource exactly as a read returns it, and search mode', async () => {
    const res = await http('/ClientApplication?name=b&_total=none');
    expect(res.status).toBe(200);
    expect(res.body.total).toBeUndefined();
    expect(res.body.entry).toHaveLength(1);
    const read = await http('/ClientApplication/beta');
    expect(res.body.entry[0]).toEqual({ fullUrl: `${server.fhirBaseUrl}/ClientApplication/beta`, resource: read.body, search: { mode: 'match' } });
    // The stored JSON is spliced in as is, byte for byte what a read sends.
    expect(res.text).toContain(`"resource":${read.text},"search":{"mode":"match"}}]}`);
    expect(res.body.link).toEqual([{ relation: 'self', url: `${server.fhirBaseUrl}/ClientApplication?name=b&_total=none&_count=20&_offset=0` }]);
    // Compact JSON, keys in the order JSON.stringify writes them: the Bundle is written as text.
    expect(res.text).toBe(JSON.stringify(res.body));
    const withTotal = await http('/ClientApplication?name=paged&_count=10&_offset=10');
    expect(withTotal.body.total).toBe(25);
    expect(withTotal.body.link.map((l: { relation: string }) => l.relation)).toEqual(['self', 'next', 'previous']);
    expect(withTotal.text).toBe(JSON.stringify(withTotal.body));
  });

  it('ORs comma-separated values and ANDs repeated parameters', async () => {
    expect(names((await http('/ClientApplication?name=alpha,beta')).body)).toEqual(['Alpha Portal', 'Beta']);
    const both = await http('/ClientApplication?grantType=authorization_code&grantType=refresh_token');
    expect(names(both.body)).toEqual(['Beta']);
  });

  it('filters by grantType, with or without the code system, and never returns deleted clients', async () => {
    // The test server seeds its own system client ("Test system client") too.
    const res = await http('/ClientApplication?grantType=client_credentials');
    expect(names(res.body)).toEqual(['alpine backend', 'Test system client']);
    expect(res.body.total).toBe(2);
    // OR within one parameter counts a client with both grant types once; deleted gamma not at all.
    const either = await http('/ClientApplication?grantType=authorization_code,refresh_token&_count=0');
    expect(either.body.total).toBe(27);
    expect((await http('/ClientApplication?grantType=basic_auth')).body.total).toBe(1);
    const withSystem = await http(
      `/ClientApplication?grantType=${encodeURIComponent('https://haste.health/fhir/CodeSystem/ClientApplicationGrantType|client_credentials')}`,
    );
    expect(names(withSystem.body)).toEqual(['alpine backend', 'Test system client']);
    const bad = await http('/ClientApplication?grantType=implicit');
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].diagnostics).toMatch(/implicit/);
  });

  it('filters by _id and _lastUpdated with prefixes', async () => {
    expect(names((await http('/ClientApplication?_id=beta,alpha')).body)).toEqual(['Alpha Portal', 'Beta']);
    const after = await http(`/ClientApplication?_lastUpdated=ge${encodeURIComponent(beforeSecondBatch)}&_count=100`);
    expect(after.body.total).toBe(25);
    const before = await http(`/ClientApplication?_lastUpdated=lt${encodeURIComponent(beforeSecondBatch)}`);
    expect(names(before.body).sort()).toEqual(['Alpha Portal', 'Beta', 'Test system client', 'alpine backend'].sort());
    const today = new Date().toISOString().slice(0, 10);
    expect((await http(`/ClientApplication?_lastUpdated=${today}&_count=0`)).body.total).toBe(29);
    expect((await http('/ClientApplication?_lastUpdated=yesterday')).status).toBe(400);
  });

  it('combines every filter in one search, each with its own values', async () => {
    const query = [
      'name=alp,bet',
      'grantType=client_credentials,refresh_token',
      '_id=alpine,alpha,beta,page-01',
      '_lastUpdated=gt2000',
      `_lastUpdated=le${encodeURIComponent(beforeSecondBatch)}`,
    ].join('&');
    const res = await http(`/ClientApplication?${query}`);
    expect(res.status).toBe(200);
    expect(names(res.body)).toEqual(['alpine backend', 'Beta']);
    expect(res.body.total).toBe(2);
    expect(names((await http(`/ClientApplication?${query}&_lastUpdated=lt2000`)).body)).toEqual([]);
  });

  it('sorts by _lastUpdated descending', async () => {
    const res = await http('/ClientApplication?_sort=-_lastUpdated&_count=2');
    expect(names(res.body)).toEqual(['Paged 24', 'Paged 23']);
    expect((await http('/ClientApplication?_sort=secret')).status).toBe(400);
  });

  it('pages with _count and _offset; Bundles carry total and self/next/previous links that work', async () => {
    const first = await http('/ClientApplication?name=paged&_count=10');
    expect(first.body.total).toBe(25);
    expect(names(first.body)).toHaveLength(10);
    const link = (body: { link: { relation: string; url: string }[] }, relation: string) =>
      body.link.find((l) => l.relation === relation)?.url;
    expect(link(first.body, 'previous')).toBeUndefined();
    const seen = [...names(first.body)];
    let next = link(first.body, 'next');
    let pages = 1;
    while (next) {
      const page = await fetch(next, { headers: { authorization: await server.bearer() } }).then((r) => r.json());
      seen.push(...names(page));
      expect(link(page, 'previous')).toBeDefined();
      next = link(page, 'next');
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `Paged ${String(i).padStart(2, '0')}`));
    const self = link(first.body, 'self');
    expect(self).toContain('name=paged');
  });

  it('defaults to 20 per page, caps _count at 100, and answers _count=0 with the total only', async () => {
    expect((await http('/ClientApplication')).body.entry).toHaveLength(20);
    const capped = await http('/ClientApplication?_count=1000');
    expect(capped.status).toBe(200);
    expect(capped.body.link[0].url).toContain('_count=100');
    const countOnly = await http('/ClientApplication?_count=0');
    expect(countOnly.body.total).toBe(29);
    expect(countOnly.body.entry).toEqual([]);
    expect(countOnly.text).toBe(JSON.stringify(countOnly.body));
    expect((await http('/ClientApplication?_count=-1')).status).toBe(400);
    expect((await http('/ClientApplication?_total=none')).body.total).toBeUndefined();
  });

  it('keeps totals current after every write, by this server or another process on the same file', async () => {
    const total = async () => (await http('/ClientApplication?name=totals&_count=0')).body.total as number;
    expect(await total()).toBe(0);
    expect((await http('/ClientApplication/totals-1', { method: 'PUT', body: client('totals-1', 'Totals one', ['authorization_code']) })).status).toBe(201);
    expect(await total()).toBe(1);
    expect(await total()).toBe(1);

    const elsewhere = openDatabase(databaseFile(server.config));
    const store = createClientApplicationStore(elsewhere);
    try {
      const resource = { resourceType: 'ClientApplication', name: 'Totals two', grantType: ['authorization_code'], responseTypes: 'code', redirectUri: ['https://totals-2.example.com/cb'] } as const;
      store.save('totals-2', () => ({ resource: { ...resource, grantType: [...resource.grantType], redirectUri: [...resource.redirectUri] }, secret: { kind: 'keep' }, method: 'PUT' }));
      expect(await total()).toBe(2);
      store.remove('totals-2');
    } finally {
      store.close();
      elsewhere.close();
    }
    expect(await total()).toBe(1);
    expect((await http('/ClientApplication/totals-1', { method: 'DELETE' })).status).toBe(204);
    expect(await total()).toBe(0);
  });

  it('sends a resource outside ASCII byte for byte, as UTF-8', async () => {
    const name = 'Ärztehaus Zoë 🙂';
    expect((await http('/ClientApplication/aerztehaus', { method: 'PUT', body: client('aerztehaus', name, ['authorization_code']) })).status).toBe(201);
    try {
      const res = await http('/ClientApplication?name=ärzte');
      expect(names(res.body)).toEqual([name]);
      expect(res.text).toBe(JSON.stringify(res.body));
    } finally {
      await http('/ClientApplication/aerztehaus', { method: 'DELETE' });
    }
  });

  it('is served by indexes (EXPLAIN QUERY PLAN)', () => {
    const plan = (query: string) => {
      const parsed = parseSearchParams(Object.fromEntries(new URLSearchParams(query)));
      if ('problems' in parsed) throw new Error('bad query');
      return server.app.store.explainSearch(parsed.query).join('\n');
    };
    expect(plan('name=alp')).toMatch(/USING INDEX client_application_name \(name_key>\? AND name_key<\?\)/);
    expect(plan('name=alp')).not.toMatch(/SCAN client_application\b(?! USING)/);
    expect(plan('_sort=-_lastUpdated')).toMatch(/USING INDEX client_application_updated/);
    expect(plan('')).toMatch(/USING INDEX client_application_name/);
    expect(plan('grantType=client_credentials')).toMatch(/SEARCH g USING PRIMARY KEY \(grant_type=\? AND id=\?\)/);
    expect(plan('grantType=client_credentials')).not.toMatch(/TEMP B-TREE/);
    expect(plan('_sort=name')).not.toMatch(/TEMP B-TREE/);
  });
});

describe('_lastUpdated date precision', () => {
  it('turns a FHIR date at any precision into the UTC interval it denotes', () => {
    expect(dateInterval('2026')).toEqual({ start: '2026-01-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' });
    expect(dateInterval('2026-02')).toEqual({ start: '2026-02-01T00:00:00.000Z', end: '2026-03-01T00:00:00.000Z' });
    expect(dateInterval('2026-11-29T10:00:00+02:00')).toEqual({ start: '2026-11-29T08:00:00.000Z', end: '2026-11-29T08:00:01.000Z' });
    expect(dateInterval('0050')?.start).toBe('0050-01-01T00:00:00.000Z');
    expect(dateInterval('2026-13-01')).toBeUndefined();
    expect(dateInterval('yesterday')).toBeUndefined();
  });
});
