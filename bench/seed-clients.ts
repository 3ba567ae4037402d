import { parseClientApplication } from '../src/model/client-application.ts';
import { searchsetEntryFormat } from '../src/server/fhir/bundles.ts';
import { parseSearchParams } from '../src/server/fhir/search-params.ts';
import { hashSecret } from '../src/server/oidc/secret-hash.ts';
import { createClientApplicationStore } from '../src/server/store/client-applications.ts';
import { openDatabase } from '../src/server/store/database.ts';
import { memory, serveCommands } from './lib/child.ts';
import { clientNumber, isConfidential } from './lib/seed-data.ts';

// Seeds ClientApplications straight through the store (the same save() the API calls, history
// and grant rows included), thousands per transaction, into the running server's database file
// from a separate process: the server's memory then reflects serving the data, not writing it.
// The secret hash is deliberately slow, so the confidential fraction reuses one precomputed hash.

const databaseFile = process.argv[2];
if (!databaseFile) throw new Error('usage: seed-clients.ts <database file>');
const db = openDatabase(databaseFile);
const store = createClientApplicationStore(db);
const sharedHash = await hashSecret('bench-shared-secret-0123456789abcdefghijklmnopqrstuv');

// Every template must be a valid resource, or the console and the API would choke on the data.
// (Client 0 is confidential, client 1 public.)
for (const n of [0, 1]) {
  const { id: _id, ...body } = clientNumber(n);
  const parsed = parseClientApplication(isConfidential(n) ? { ...body, secret: 'x'.repeat(43) } : body);
  if (!parsed.success) throw new Error(`seed template ${n} is invalid: ${JSON.stringify(parsed.issues)}`);
}

function seed(args: unknown) {
  const { from, to, batch } = args as { from: number; to: number; batch: number };
  const started = performance.now();
  for (let start = from; start < to; start += batch) {
    db.transaction(() => {
      for (let n = start; n < Math.min(to, start + batch); n++) {
        const resource = clientNumber(n);
        store.save(resource.id as string, () => ({
          resource,
          secret: isConfidential(n) ? { kind: 'set', hash: sharedHash } : { kind: 'keep' },
          method: 'PUT',
        }));
      }
    })();
  }
  const seconds = (performance.now() - started) / 1000;
  return { count: to - from, seconds, perSecond: (to - from) / seconds };
}

function searchQuery(queryString: string) {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(queryString)) {
    const existing = params[key];
    params[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const parsed = parseSearchParams(params);
  if ('problems' in parsed) throw new Error(`${queryString}: ${JSON.stringify(parsed.problems)}`);
  return parsed.query;
}

/** EXPLAIN QUERY PLAN of the SELECT each search query string runs (store.explainSearch). */
function explain(args: unknown) {
  return (args as string[]).map((queryString) => ({ query: queryString, plan: store.explainSearch(searchQuery(queryString)) }));
}

/** Median milliseconds of `run` over `times` calls, after one warm-up call. */
function timeMedian(run: () => unknown, times = 15): number {
  run();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[times >> 1] as number;
}

/**
 * What each search costs inside the store (no HTTP, no auth, no JSON encoding): the page alone,
 * plus counting its `_total` afresh (the first search after a write; later ones reuse the cached
 * total), and what two candidate rewrites of the grant-type filter would cost.
 */
/** The entries as the API writes them (the base URL only changes the text's length). */
const ENTRY_FORMAT = searchsetEntryFormat('http://127.0.0.1:8080/w/default/default/api/v1/fhir/r4');

function timeShapes(args: unknown) {
  const shapes = (args as string[]).map((queryString) => {
    const query = searchQuery(queryString);
    return {
      query: queryString,
      withTotalMs: timeMedian(() => {
        store.search({ ...query, withTotal: false }, ENTRY_FORMAT);
        store.countUncached(query);
      }),
      withoutTotalMs: timeMedian(() => store.search({ ...query, withTotal: false }, ENTRY_FORMAT)),
    };
  });
  const countByGrantTable = db.prepare(
    "SELECT COUNT(*) FROM client_application_grant WHERE grant_type IN ('client_credentials')",
  );
  const pageByGrantTable = db.prepare(
    `SELECT c.resource FROM client_application_grant g JOIN client_application c ON c.id = g.id
      WHERE g.grant_type IN ('client_credentials') AND c.deleted = 0 ORDER BY c.name_key, c.id LIMIT 20`,
  );
  const countAll = db.prepare('SELECT COUNT(*) FROM client_application WHERE deleted = 0');
  // The CORS check (src/server/cors.ts): one indexed lookup of a redirect origin per request.
  const corsLookup = [
    {
      what: 'CORS origin check: store.isRedirectOrigin() (indexed, per request with an Origin)',
      ms: timeMedian(() => store.isRedirectOrigin('https://not-registered.example.com')),
    },
  ];
  return {
    shapes,
    candidates: [
      ...corsLookup,
      { what: 'grantType total from the grant table: COUNT(*) … WHERE grant_type IN (…)', ms: timeMedian(() => countByGrantTable.get()) },
      { what: 'grantType page driven by the grant table (JOIN, sort 1 % of rows)', ms: timeMedian(() => pageByGrantTable.all()) },
      { what: 'unfiltered total today: COUNT(*) over the name index', ms: timeMedian(() => countAll.get()) },
    ],
  };
}

process.on('disconnect', () => {
  store.close();
  db.close();
  process.exit(0);
});
serveCommands({}, { seed, explain, 'time-shapes': timeShapes, memory: () => memory() });
