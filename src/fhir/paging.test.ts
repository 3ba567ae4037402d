import { describe, expect, it } from 'vitest';
import { createFhirClient } from './client.ts';
import { computePageOffsets } from './paging.ts';

// Our reference server always sends Bundle links, so the no-`link` fallback (Haste Health, SPEC §6)
// is exercised here against a tiny fake of such a third-party server.

describe('computePageOffsets', () => {
  it('pages forward by what was returned while the total says more remain', () => {
    expect(computePageOffsets({ offset: 0, count: 2, returned: 2, total: 5 })).toEqual({ nextOffset: 2 });
    expect(computePageOffsets({ offset: 2, count: 2, returned: 2, total: 5 })).toEqual({
      nextOffset: 4,
      previousOffset: 0,
    });
    expect(computePageOffsets({ offset: 4, count: 2, returned: 1, total: 5 })).toEqual({ previousOffset: 2 });
  });

  it('advances by the served page when the server caps _count below what was asked', () => {
    // Haste Health caps _count at 50: asking for 100 must not skip items 50–99.
    expect(computePageOffsets({ offset: 0, count: 100, returned: 50, total: 120 })).toEqual({ nextOffset: 50 });
  });

  it('without a total, offers a next page only after a full page', () => {
    expect(computePageOffsets({ offset: 0, count: 10, returned: 10, total: undefined })).toEqual({ nextOffset: 10 });
    expect(computePageOffsets({ offset: 10, count: 10, returned: 3, total: undefined })).toEqual({
      previousOffset: 0,
    });
  });

  it('has neither neighbour for an empty first page', () => {
    expect(computePageOffsets({ offset: 0, count: 10, returned: 0, total: 0 })).toEqual({});
  });

  it('never computes a negative previous offset', () => {
    expect(computePageOffsets({ offset: 3, count: 10, returned: 2, total: 5 })).toEqual({ previousOffset: 0 });
  });
});

const BASE = 'https://haste.example/w/acme/main/api/v1/fhir/r4';

interface Recorded {
  url: URL;
  headers: Headers;
}

/** A Haste-Health-like server: 5 clients, `_count` capped at `cap`, Bundles with `total` but no `link`. */
function fakeLinklessServer(options: { cap?: number; withTotal?: boolean } = {}) {
  const requests: Recorded[] = [];
  const all = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ resourceType: 'ClientApplication', id }));
  const fakeFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    requests.push({ url, headers: new Headers(init?.headers) });
    const offset = Number(url.searchParams.get('_offset') ?? 0);
    const count = Math.min(Number(url.searchParams.get('_count') ?? 20), options.cap ?? Infinity);
    const page = all.slice(offset, offset + count);
    const bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      ...(options.withTotal === false ? {} : { total: all.length }),
      entry: page.map((resource) => ({ resource })),
    };
    return new Response(JSON.stringify(bundle), { status: 200, headers: { 'Content-Type': 'application/fhir+json' } });
  };
  return { requests, fakeFetch };
}

describe('search against a server whose Bundles have no link', () => {
  it('computes next/previous URLs from total and _offset, and follows them', async () => {
    const { requests, fakeFetch } = fakeLinklessServer();
    const client = createFhirClient({ baseUrl: BASE, fetch: fakeFetch, getAccessToken: () => 'tok' });

    const first = await client.pageSearch('ClientApplication', { name: 'x' }, { count: 2 });
    expect(first.resources.map((r) => r.id)).toEqual(['a', 'b']);
    expect(first).toMatchObject({ total: 5, offset: 0, nextOffset: 2 });
    expect(first.previous).toBeUndefined();
    expect(first.next).toBeDefined();

    const second = await client.searchUrl(first.next ?? '');
    expect(second.resources.map((r) => r.id)).toEqual(['c', 'd']);
    expect(second).toMatchObject({ offset: 2, nextOffset: 4, previousOffset: 0 });

    const third = await client.searchUrl(second.next ?? '');
    expect(third.resources.map((r) => r.id)).toEqual(['e']);
    expect(third.next).toBeUndefined();

    const back = await client.searchUrl(third.previous ?? '');
    expect(back.resources.map((r) => r.id)).toEqual(['c', 'd']);

    // The search itself is repeated with the same filters, only _offset changes.
    expect(requests.map((r) => r.url.search)).toEqual([
      '?name=x&_count=2',
      '?name=x&_count=2&_offset=2',
      '?name=x&_count=2&_offset=4',
      '?name=x&_count=2&_offset=2',
    ]);
    expect(requests[0]?.headers.get('accept')).toBe('application/fhir+json');
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer tok');
  });

  it('does not skip resources when the server serves fewer than _count', async () => {
    const { fakeFetch } = fakeLinklessServer({ cap: 3 });
    const client = createFhirClient({ baseUrl: BASE, fetch: fakeFetch });
    const first = await client.pageSearch('ClientApplication', {}, { count: 4 });
    expect(first.resources.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    const second = await client.searchUrl(first.next ?? '');
    expect(second.resources.map((r) => r.id)).toEqual(['d', 'e']);
    expect(second.next).toBeUndefined();
  });

  it('reads _offset/_count from plain search params too', async () => {
    const { fakeFetch } = fakeLinklessServer({ withTotal: false });
    const client = createFhirClient({ baseUrl: BASE, fetch: fakeFetch });
    const page = await client.search('ClientApplication', { _count: 2, _offset: 2 });
    expect(page.resources.map((r) => r.id)).toEqual(['c', 'd']);
    expect(page).toMatchObject({ offset: 2, nextOffset: 4, previousOffset: 0 });
    expect(page.total).toBeUndefined();
  });

  it('pageSearch overrides _offset/_count given in params', async () => {
    const { requests, fakeFetch } = fakeLinklessServer();
    const client = createFhirClient({ baseUrl: BASE, fetch: fakeFetch });
    await client.pageSearch('ClientApplication', { _count: 99, _offset: 7, name: 'n' }, { offset: 1, count: 2 });
    expect(requests[0]?.url.search).toBe('?name=n&_offset=1&_count=2');
  });

  it('refuses to send the token to a link outside the base URL', async () => {
    const { requests, fakeFetch } = fakeLinklessServer();
    const client = createFhirClient({ baseUrl: BASE, fetch: fakeFetch, getAccessToken: () => 'tok' });
    await expect(client.searchUrl('https://evil.example/w/acme/main/api/v1/fhir/r4/ClientApplication')).rejects.toThrow(
      /not under the FHIR base URL/,
    );
    await expect(client.searchUrl('https://haste.example/w/acme/other/api/v1/fhir/r4/ClientApplication')).rejects.toThrow(
      /not under the FHIR base URL/,
    );
    expect(requests).toHaveLength(0);
  });
});

describe('base URL handling', () => {
  it('works with a bare origin and a trailing slash', async () => {
    const { requests, fakeFetch } = fakeLinklessServer();
    const client = createFhirClient({ baseUrl: 'https://haste.example/', fetch: fakeFetch });
    const page = await client.pageSearch('ClientApplication', {}, { count: 2 });
    expect(requests[0]?.url.toString()).toBe('https://haste.example/ClientApplication?_count=2');
    await client.searchUrl(page.next ?? '');
    expect(requests[1]?.url.toString()).toBe('https://haste.example/ClientApplication?_count=2&_offset=2');
  });
});
