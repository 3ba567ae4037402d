import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { pageLinks, searchsetBundleJson, searchsetEntryFormat } from '../../src/server/fhir/bundles.ts';
import { searchLinkQuery } from '../../src/server/fhir/search-params.ts';
import { nameKey } from '../../src/server/store/client-applications.ts';
import { serveCommands } from '../lib/child.ts';
import { NAME_WORDS } from '../lib/seed-data.ts';

// The name search without our layers, to read the search's p99 against (docs/performance.md,
// Method): Fastify answering `GET /raw/search?name=W` with the bytes our API sends for
// `name=W&_count=20`, by the same page SQL on the seeded database file (read-only, the same 8 MB
// page cache as the store's reader) and the same Bundle text (searchsetBundleJson). What it leaves
// out is ours: the bearer token, parameter validation, the store's snapshot and caches, the hooks
// (logging, CORS, security headers). Its total and links are worked out once per word at start,
// as our total is served from the store's cache between writes.
// argv[2]: the database file, argv[3]: our FHIR base URL (the entries' fullUrl and the links).

const [file, fhirBaseUrl] = process.argv.slice(2);
if (!file || !fhirBaseUrl) throw new Error('usage: raw-search.ts <database file> <FHIR base URL>');
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('cache_size = -8000');

const NAME_FILTER = 'deleted = 0 AND ((name_key >= ? AND name_key < ?))';
// The store's SQL for this shape (client-applications.ts, searchSql): each match as its entry text.
const page = db
  .prepare<unknown[], string>(`SELECT ? || json_quote(? || id) || ? || resource || ? FROM client_application WHERE ${NAME_FILTER} ORDER BY name_key, id LIMIT 20 OFFSET ?`)
  .pluck();
const count = db.prepare<unknown[], number>(`SELECT COUNT(*) FROM client_application WHERE ${NAME_FILTER}`).pluck();
const format = searchsetEntryFormat(fhirBaseUrl);

const byWord = new Map<string, { range: readonly [string, string]; total: number; links: ReturnType<typeof pageLinks> }>(
  NAME_WORDS.map((word) => {
    const key = nameKey(word);
    const range = [key, `${key}\u{10FFFF}`] as const;
    const total = count.get(...range) as number;
    const links = pageLinks({
      url: (q) => `${fhirBaseUrl}/ClientApplication?${q}`,
      queryFor: searchLinkQuery({ name: word, _count: '20' }),
      count: 20,
      offset: 0,
      total,
      returned: Math.min(20, total),
    });
    return [word, { range, total, links }];
  }),
);

const app = Fastify({ logger: false });
app.get<{ Querystring: { name?: string } }>('/raw/search', (request, reply) => {
  const word = byWord.get(request.query.name ?? '');
  if (!word) return reply.code(404).send();
  const entries = page.all(format.before, format.urlBase, format.between, format.after, ...word.range, 0);
  reply.type('application/fhir+json').send(searchsetBundleJson({ total: word.total, entries, links: word.links }));
});
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as { port: number };

export type RawSearchReady = { origin: string };

function close() {
  db.close();
  process.exit(0);
}
process.on('SIGTERM', close);
process.on('disconnect', close);
serveCommands<RawSearchReady>({ origin: `http://127.0.0.1:${port}` }, {});
