import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { hashSecret } from '../../src/server/oidc/secret-hash.ts';
import { memory, serveCommands } from '../lib/child.ts';

// The physical-limit baselines for the FHIR API, on the same Fastify and better-sqlite3:
// - GET  /raw/json          a 1 KB JSON body, no auth, no storage (for read and search);
// - GET  /raw/table         a static HTML page with a 20-row table (for the console's first rows);
// - POST /raw/insert        parse the JSON body, one INSERT in its own transaction into a SQLite
//                           file opened like ours (WAL, synchronous=FULL), 201 with the body;
// - POST /raw/hash-insert   the same after hashing the secret as ours does (secret-hash.ts: Argon2id,
//                           two derivations at a time).

export const RAW_JSON_BYTES = 1024;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-admin-bench-raw-'));
const db = new Database(path.join(dir, 'raw.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE item (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT');
const insert = db.prepare('INSERT INTO item (id, body) VALUES (?, ?)');
const insertOne = db.transaction((id: string, body: string) => insert.run(id, body));

// A ClientApplication-shaped object padded to exactly 1 KB once serialised.
const base = { resourceType: 'ClientApplication', id: 'raw-0001', name: 'Raw baseline', grantType: ['client_credentials'], description: '' };
const padding = RAW_JSON_BYTES - JSON.stringify(base).length;
const rawJson = { ...base, description: 'x'.repeat(padding) };

// The physical limit for "navigation → first rows": a server-rendered page of 20 rows shaped like
// the console's list (no script, no sign-in, no API call).
const rawTable = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Raw table</title></head><body><main><table><tbody>${Array.from(
  { length: 20 },
  (_, i) => `<tr><td><a href="/ClientApplication/raw-${i}">Raw client ${i}</a></td><td><code>raw-${i}</code></td><td>Public</td><td>authorization_code</td><td>1</td><td>2026-01-01</td></tr>`,
).join('')}</tbody></table></main></body></html>`;

const app = Fastify({ logger: false });
app.get('/raw/table', async (_request, reply) => reply.type('text/html; charset=utf-8').send(rawTable));
// The same JSON bodies our API takes, sent with the same content type.
app.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
app.get('/raw/json', async () => rawJson);
app.post<{ Body: Record<string, unknown> }>('/raw/insert', async (request, reply) => {
  const id = randomUUID();
  insertOne(id, JSON.stringify({ ...request.body, id }));
  return reply.code(201).send({ ...request.body, id });
});
app.post<{ Body: Record<string, unknown> & { secret?: string } }>('/raw/hash-insert', async (request, reply) => {
  const { secret, ...body } = request.body;
  await hashSecret(String(secret));
  const id = randomUUID();
  insertOne(id, JSON.stringify({ ...body, id }));
  return reply.code(201).send({ ...body, id });
});
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as { port: number };

export type RawFastifyReady = { origin: string; jsonBytes: number };

function close() {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', close);
process.on('disconnect', close);
serveCommands<RawFastifyReady>(
  { origin: `http://127.0.0.1:${port}`, jsonBytes: JSON.stringify(rawJson).length },
  { memory: () => memory() },
);
