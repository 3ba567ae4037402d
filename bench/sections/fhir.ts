import type { Child } from '../lib/child.ts';
import type { LoadOptions } from '../lib/load.ts';
import { alternate, pairedRatio, type Summary, type Target } from '../lib/rounds.ts';
import { NAME_WORDS, seededId } from '../lib/seed-data.ts';
import type { BenchSettings } from '../settings.ts';
import type { ProductReady } from '../servers/product-server.ts';
import type { RawFastifyReady } from '../servers/raw-fastify.ts';
import type { RawSearchReady } from '../servers/raw-search.ts';
import type { NotMeasured } from './console.ts';

// 2. The FHIR API against raw Fastify, and 3. the latency curve as the store grows.

export type Servers = { product: Child<ProductReady>; raw: Child<RawFastifyReady> };

/** The name search on raw Fastify, without our layers (servers/raw-search.ts): what its p99 is read against. */
export type RawSearch = Child<RawSearchReady>;

const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)] as T;

/** The request shapes measured, as the console and API clients send them. */
export function fhirTargets(servers: Servers, size: number, connections: number, duration: number) {
  const { product, raw } = servers;
  const base = new URL(product.ready.fhirBaseUrl);
  const authed = async (path: () => string): Promise<LoadOptions> => ({
    url: product.ready.origin,
    headers: { authorization: `Bearer ${await product.call<string>('token')}`, accept: 'application/fhir+json' },
    path,
    connections,
    duration,
  });
  const search = (query: () => string) => () => authed(() => `${base.pathname}/ClientApplication?${query()}`);
  const ours = product as Child<unknown>;
  return {
    raw: { name: 'raw', server: raw as Child<unknown>, options: () => ({ url: `${raw.ready.origin}/raw/json`, connections, duration }) },
    read: { name: 'read', server: ours, options: () => authed(() => `${base.pathname}/ClientApplication/${seededId(Math.floor(Math.random() * size))}`) },
    // A 20-row page of a name-prefix search: one of 40 first words, so 1/40 of all clients match.
    search: { name: 'search', server: ours, options: search(() => `name=${pick(NAME_WORDS)}&_count=20`) },
    // The console's list page as it first opens: every client, sorted by name, first 20, with total.
    list: { name: 'list', server: ours, options: search(() => '_sort=name&_count=20') },
    // The console's grant-type filter on the rarest grant (1 client in 100 has client_credentials).
    grant: { name: 'grant', server: ours, options: search(() => 'grantType=client_credentials&_sort=name&_count=20') },
  } satisfies Record<string, Target>;
}

/** The same search as `search` above, on the raw search server: no token, same bytes. */
function rawSearchTarget(rawSearch: RawSearch, connections: number, duration: number): Target {
  const options = { url: rawSearch.ready.origin, path: () => `/raw/search?name=${pick(NAME_WORDS)}`, connections, duration };
  return { name: 'raw-search', server: rawSearch as Child<unknown>, options: () => options };
}

export type FhirComparison = {
  size: number;
  connections: number;
  /** How many clients the name search matches (it returns 20), and response sizes in bytes. */
  shapes: { searchMatches: number; searchBundleBytes: number; readBytes: number };
  summaries: Record<string, Summary>;
  /** searchVsRawSearch: ours against the same search on raw Fastify (`raw-search`), when it ran. */
  ratios: { read: number; search: number; list: number; searchVsRawSearch?: number };
  /** Why the raw search was left out, when it was. */
  rawSearchNotMeasured?: string;
  targets: { read: number; search: number; searchP99Ms: number };
  isMet: { read: boolean; search: boolean; searchP99: boolean };
};

/** Fails early, with the reason, when a shape does not answer what the figures claim it does. */
async function probe(servers: Servers, size: number) {
  const { product } = servers;
  const headers = { authorization: `Bearer ${await product.call<string>('token')}` };
  const read = await fetch(`${product.ready.fhirBaseUrl}/ClientApplication/${seededId(size - 1)}`, { headers });
  if (read.status !== 200) throw new Error(`read of a seeded client answered ${read.status}`);
  const search = await fetch(`${product.ready.fhirBaseUrl}/ClientApplication?name=${NAME_WORDS[0]}&_count=20`, { headers });
  const bundle = (await search.json()) as { total?: number; entry?: unknown[] };
  if (search.status !== 200 || bundle.entry?.length !== 20) throw new Error(`the name search answered ${search.status} with ${bundle.entry?.length} entries`);
  return { searchMatches: bundle.total ?? NaN, searchBundleBytes: JSON.stringify(bundle).length, readBytes: (await read.text()).length };
}

/** The raw search stands for our search only if it sends what ours sends, byte for byte: for every word. */
async function checkRawSearch(servers: Servers, rawSearch: RawSearch): Promise<void> {
  const { product } = servers;
  const headers = { authorization: `Bearer ${await product.call<string>('token')}`, accept: 'application/fhir+json' };
  for (const word of NAME_WORDS) {
    const [ours, raw] = await Promise.all([
      fetch(`${product.ready.fhirBaseUrl}/ClientApplication?name=${word}&_count=20`, { headers }),
      fetch(`${rawSearch.ready.origin}/raw/search?name=${word}`),
    ]);
    const [oursText, rawText] = await Promise.all([ours.text(), raw.text()]);
    if (ours.status !== 200 || raw.status !== 200 || oursText !== rawText) {
      throw new Error(`for name=${word} the raw search answered ${raw.status} with ${rawText.length} bytes, ours ${ours.status} with ${oursText.length}: not the same body`);
    }
  }
}

export async function benchFhirApi(servers: Servers, size: number, settings: BenchSettings, rawSearch: RawSearch | NotMeasured): Promise<FhirComparison> {
  const shapes = await probe(servers, size);
  const t = fhirTargets(servers, size, 10, settings.duration);
  const targets: Target[] = [t.raw, t.read, t.search, t.list];
  let rawSearchNotMeasured: string | undefined;
  if ('notMeasured' in rawSearch) rawSearchNotMeasured = rawSearch.notMeasured;
  else {
    try {
      await checkRawSearch(servers, rawSearch);
      targets.push(rawSearchTarget(rawSearch, 10, settings.duration));
    } catch (error) {
      rawSearchNotMeasured = error instanceof Error ? error.message : String(error);
      settings.log(`  raw search left out: ${rawSearchNotMeasured}`);
    }
  }
  const summaries = await alternate(targets, {
    rounds: settings.rounds,
    duration: settings.duration,
    warmup: settings.warmup,
    log: settings.log,
  });
  const ratios = {
    read: pairedRatio(summaries.read, summaries.raw),
    search: pairedRatio(summaries.search, summaries.raw),
    list: pairedRatio(summaries.list, summaries.raw),
    ...(rawSearchNotMeasured ? {} : { searchVsRawSearch: pairedRatio(summaries.search, summaries['raw-search']) }),
  };
  const clean = (name: string) => summaries[name]?.non2xx === 0;
  return {
    size,
    connections: 10,
    shapes,
    summaries,
    ratios,
    ...(rawSearchNotMeasured ? { rawSearchNotMeasured } : {}),
    targets: { read: 0.5, search: 0.25, searchP99Ms: 5 },
    isMet: {
      read: ratios.read >= 0.5 && clean('read'),
      search: ratios.search >= 0.25 && clean('search'),
      searchP99: (summaries.search?.p99Ms ?? Infinity) <= 5 && clean('search'),
    },
  };
}

export type CurvePoint = { size: number; seedSeconds: number; summaries: Record<string, Summary> };

/** One point of the latency curve: one connection, so the figures are service times, not queueing. */
export async function benchCurvePoint(servers: Servers, size: number, settings: BenchSettings) {
  const t = fhirTargets(servers, size, 1, settings.curveDuration);
  return alternate([t.raw, t.read, t.search, t.list, t.grant], {
    rounds: settings.curveRounds,
    duration: settings.curveDuration,
    warmup: settings.warmup / 2,
    log: settings.log,
  });
}

// --- Writes ---------------------------------------------------------------------------------------

const PUBLIC_CLIENT = {
  resourceType: 'ClientApplication',
  name: 'Bench Write Portal',
  description: 'Created by the write benchmark.',
  grantType: ['authorization_code', 'refresh_token'],
  responseTypes: 'code',
  redirectUri: ['https://write.example.org/callback'],
  scope: 'openid profile fhirUser offline_access launch/patient patient/*.rs',
};
const CONFIDENTIAL_CLIENT = {
  resourceType: 'ClientApplication',
  name: 'Bench Write Service',
  description: 'Created by the write benchmark.',
  grantType: ['client_credentials'],
  responseTypes: 'token',
  scope: 'system/Patient.rs',
  // 43 base64url characters, the console's 256-bit secret.
  secret: 'bench-write-secret-0123456789abcdefghijklmn',
};

export type WriteComparison = {
  summaries: Record<string, Summary>;
  ratios: { create: number; createWithSecret: number };
};

export async function benchWrites(servers: Servers, settings: BenchSettings): Promise<WriteComparison> {
  const { product, raw } = servers;
  const post = (url: string, body: object, duration: number, token?: () => Promise<string>) => async (): Promise<LoadOptions> => ({
    url,
    method: 'POST',
    headers: {
      'content-type': 'application/fhir+json',
      ...(token ? { authorization: `Bearer ${await token()}` } : {}),
    },
    body: JSON.stringify(body),
    connections: 10,
    duration,
  });
  const token = () => product.call<string>('token');
  const endpoint = `${product.ready.fhirBaseUrl}/ClientApplication`;
  const plainDuration = settings.writeDuration;
  const plain = await alternate(
    [
      { name: 'raw-insert', server: raw as Child<unknown>, options: post(`${raw.ready.origin}/raw/insert`, PUBLIC_CLIENT, plainDuration) },
      { name: 'create', server: product as Child<unknown>, options: post(endpoint, PUBLIC_CLIENT, plainDuration, token) },
    ],
    { rounds: settings.writeRounds, duration: plainDuration, warmup: 0, log: settings.log },
  );
  const hashedDuration = settings.secretWriteDuration;
  const hashed = await alternate(
    [
      { name: 'raw-hash-insert', server: raw as Child<unknown>, options: post(`${raw.ready.origin}/raw/hash-insert`, CONFIDENTIAL_CLIENT, hashedDuration) },
      { name: 'create-with-secret', server: product as Child<unknown>, options: post(endpoint, CONFIDENTIAL_CLIENT, hashedDuration, token) },
    ],
    { rounds: settings.writeRounds, duration: hashedDuration, warmup: 0, log: settings.log },
  );
  const summaries = { ...plain, ...hashed };
  return {
    summaries,
    ratios: {
      create: pairedRatio(summaries.create, summaries['raw-insert']),
      createWithSecret: pairedRatio(summaries['create-with-secret'], summaries['raw-hash-insert']),
    },
  };
}

/** Shapes whose store-level cost is timed (bench/seed-clients.ts `time-shapes`). */
export const TIMED_SHAPES = [
  '_sort=name&_count=20',
  'name=acme&_count=20',
  'grantType=client_credentials&_sort=name&_count=20',
  'name=acme&_sort=-_lastUpdated&_count=20',
  '_lastUpdated=ge2020-01-01&_count=20',
];

export type StoreCosts = {
  shapes: { query: string; withTotalMs: number; withoutTotalMs: number }[];
  candidates: { what: string; ms: number }[];
};

// --- EXPLAIN QUERY PLAN ---------------------------------------------------------------------------

/** Every search parameter, combination and sort the API supports. */
export const SEARCH_SHAPES = [
  '',
  'name=acme',
  'name=acme,beacon',
  'name=acme&name=acme%20p',
  'grantType=client_credentials',
  'grantType=client_credentials,basic_auth',
  '_id=bench-000001',
  '_id=bench-000001,bench-000002',
  '_lastUpdated=ge2020-01-01',
  '_lastUpdated=lt2020-01-01',
  '_lastUpdated=2026-01-31',
  '_sort=-name',
  '_sort=_lastUpdated',
  '_sort=-_lastUpdated',
  '_sort=_id',
  '_sort=-_id',
  'name=acme&grantType=authorization_code',
  'name=acme&_sort=-_lastUpdated',
  'grantType=client_credentials&_sort=-_lastUpdated',
  '_lastUpdated=ge2020-01-01&_sort=name',
  '_id=bench-000001&_sort=_lastUpdated',
];

export type PlanCheck = {
  query: string;
  plan: string[];
  usesIndex: boolean;
  /**
   * How client_application is read: `seek` (an index range or key lookup: cost follows the matches),
   * `ordered-walk` (the sort index walked in order, filtering row by row: a page stops after 20
   * matches, but `_total` walks every entry), or `full-scan`.
   */
  access: 'seek' | 'ordered-walk' | 'full-scan';
  hasTempSort: boolean;
};

/** A plan uses an index when no table is read by a full scan: every SCAN/SEARCH line names an index or key. */
export function checkPlan(query: string, plan: string[]): PlanCheck {
  const reads = plan.filter((line) => /^(SCAN|SEARCH) /.test(line));
  const usesIndex = reads.length > 0 && reads.every((line) => /USING (COVERING )?INDEX|USING (INTEGER )?PRIMARY KEY/.test(line));
  const main = reads.find((line) => / client_application\b/.test(line)) ?? '';
  const access = !/USING/.test(main) ? 'full-scan' : main.startsWith('SEARCH') ? 'seek' : 'ordered-walk';
  return { query, plan, usesIndex, access, hasTempSort: plan.some((line) => line.includes('TEMP B-TREE')) };
}
