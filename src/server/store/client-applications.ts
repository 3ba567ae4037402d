import type { ClientApplication } from '../../model/client-application.ts';
import { SECRET_TAG } from '../../model/client-application.ts';
import type Database from 'better-sqlite3';
import { openReader, webOrigin, type Db } from './database.ts';
import { RecentlyUsed } from './recently-used.ts';

// The ClientApplication store: the current version of each resource (with its secret hash),
// every version ever written (history/vread, never a secret), and a grant-type side table so
// `grantType=` searches use an index. Every write is one SQLite transaction that reads the
// current version, lets the caller decide, and writes: a compare-and-set on the version.

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type SecretChange = { kind: 'keep' } | { kind: 'set'; hash: string } | { kind: 'remove' };

export type CurrentClientApplication = {
  id: string;
  versionId: number;
  lastUpdated: string;
  /** null when the current version is a deletion. */
  resource: ClientApplication | null;
  secretHash: string | null;
};

export type ClientApplicationVersion = {
  id: string;
  versionId: number;
  lastUpdated: string;
  method: WriteMethod;
  /** null for a deletion. */
  resource: ClientApplication | null;
};

export type Decision<F> =
  | { resource: ClientApplication; secret: SecretChange; method: Exclude<WriteMethod, 'DELETE'> }
  | { failure: F };

export type SaveResult<F> =
  | { ok: true; created: boolean; resource: ClientApplication }
  | { ok: false; failure: F };

export type RemoveResult =
  | { kind: 'not-found' }
  | { kind: 'already-deleted'; versionId: number }
  | { kind: 'deleted'; versionId: number; lastUpdated: string };

export type LastUpdatedFilter = { op: 'gt' | 'ge' | 'lt' | 'le' | 'eq'; start: string; end: string };

export type SortKey = { key: 'name' | 'lastUpdated' | 'id'; descending: boolean };

export type SearchQuery = {
  // Each inner list is OR-ed (commas in one parameter); the outer lists are AND-ed (repeats).
  /** Case-insensitive name prefixes. */
  names?: string[][];
  grantTypes?: string[][];
  ids?: string[][];
  lastUpdated?: LastUpdatedFilter[];
  sort: SortKey[];
  count: number;
  offset: number;
  withTotal: boolean;
};

export type ChangeEvent = { id: string; kind: 'created' | 'updated' | 'deleted'; isSecretChanged: boolean };

/**
 * How search writes each match as text (see `search`): `before`, then the JSON string of
 * `urlBase` + the id, `between`, the stored JSON, `after`. The caller owns the shape (a Bundle entry).
 */
export type MatchTextFormat = { before: string; urlBase: string; between: string; after: string };

/** A current resource as stored: its JSON text is already the response body (no secret, meta set). */
export type StoredResource = { id: string; versionId: number; lastUpdated: string; json: string };

type CurrentRow = {
  id: string;
  version_id: number;
  last_updated: string;
  deleted: number;
  resource: string | null;
  secret_hash: string | null;
};

type HistoryRow = { id: string; version_id: number; last_updated: string; method: string; resource: string | null };

/** Lower-cased, NFC-normalised form used for the case-insensitive name index. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

// Greater than every other code point in SQLite's BINARY (UTF-8 memcmp) order, so
// `key >= p AND key < p || MAX` is exactly "starts with p" and can use the index.
const MAX_CODE_POINT = '\u{10FFFF}';

/** Search and history statements kept prepared (see `prepared`). */
export const MAX_CACHED_STATEMENTS = 64;

/** Search totals kept until the next write (see `countCached`). */
export const MAX_CACHED_TOTALS = 256;

const SORT_COLUMNS: Record<SortKey['key'], string> = { name: 'name_key', lastUpdated: 'last_updated', id: 'id' };

export function createClientApplicationStore(db: Db, options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  const listeners = new Set<(event: ChangeEvent) => void>();

  // Reads go through a read-only connection of their own, and the reads of one turn of the event
  // loop share one read transaction on it: one snapshot of the file, taken by the turn's first
  // read. A statement outside a transaction takes and drops SQLite's lock on the file itself, two
  // `fcntl` system calls: a key lookup took 6.9 µs on its own and 0.6 µs inside a transaction
  // (pinned, on the bench's host). In the turn's transaction the lock is taken once for all the
  // requests the turn answers: reads at 100,000 clients +8–19 %, three servers a side
  // (docs/performance.md).
  // A turn that only asks `generation()`, as a token request does, pays ~2.5 µs more than the
  // pragma alone. Writes stay on `db`, each committed when it returns. A write of ours ends the
  // snapshot, before (a checkpoint may then copy past it) and after (what this process wrote, it
  // reads back at once). Another process's commit is seen from the next turn: its requests had
  // all arrived when it began.
  const reader = openReader(db);
  const begin = reader.prepare('BEGIN');
  const commit = reader.prepare('COMMIT');
  // The first statement that reads the file starts the snapshot; this one reads only its header.
  const startSnapshot = reader.prepare('PRAGMA data_version');
  // Changes when another process commits to the file. Asked on `db`, not on the reader: for the
  // reader, our own writing connection is another connection too, and the authorization server's
  // writes (sessions, grants, codes) would then move the generation and empty every cache keyed by
  // it. Asked while the reader holds the file's lock, it shares that lock: no system call.
  const selectDataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  let lastDataVersion = selectDataVersion.get() as number;
  let generation = 0;
  function beginSnapshot(): void {
    begin.run();
    startSnapshot.get();
  }
  function endSnapshot(): void {
    if (reader.inTransaction) commit.run();
  }
  /** Opens this turn's snapshot, if it is not open yet: every read calls it first. */
  function snapshot(): void {
    if (reader.inTransaction) return;
    beginSnapshot();
    setImmediate(endSnapshot);
    const dataVersion = selectDataVersion.get() as number;
    if (dataVersion !== lastDataVersion) {
      lastDataVersion = dataVersion;
      generation++;
      // That commit may have come after the snapshot began: begin it again, so that what is read
      // under the new generation holds all that the generation stands for.
      endSnapshot();
      beginSnapshot();
    }
  }
  function currentGeneration(): number {
    snapshot();
    return generation;
  }

  const SELECT_CURRENT = 'SELECT id, version_id, last_updated, deleted, resource, secret_hash FROM client_application WHERE id = ?';
  // The version a write decides on, read in the write's own transaction; and the same for reads.
  const selectCurrent = db.prepare<[string], CurrentRow>(SELECT_CURRENT);
  const readCurrent = reader.prepare<[string], CurrentRow>(SELECT_CURRENT);
  // A read sends the stored JSON as it is: only what its headers need, as an array (`raw`), not
  // a row object whose six properties better-sqlite3 defines one by one (a read of 100,000 clients
  // in the store: 9.6-10.2 µs instead of 11.4-13.1).
  const selectStored = reader
    .prepare<[string], [id: string, versionId: number, lastUpdated: string, json: string | null]>(
      'SELECT id, version_id, last_updated, CASE WHEN deleted THEN NULL ELSE resource END FROM client_application WHERE id = ?',
    )
    .raw();
  const insertCurrent = db.prepare(
    `INSERT INTO client_application (id, version_id, last_updated, deleted, name_key, resource, secret_hash)
     VALUES (@id, @versionId, @lastUpdated, @deleted, @nameKey, @resource, @secretHash)`,
  );
  // The WHERE on version_id is the compare-and-set: it only matches the version the caller saw.
  const updateCurrent = db.prepare(
    `UPDATE client_application
        SET version_id = @versionId, last_updated = @lastUpdated, deleted = @deleted,
            name_key = @nameKey, resource = @resource, secret_hash = @secretHash
      WHERE id = @id AND version_id = @versionId - 1`,
  );
  const insertHistory = db.prepare(
    `INSERT INTO client_application_history (id, version_id, last_updated, method, resource)
     VALUES (@id, @versionId, @lastUpdated, @method, @resource)`,
  );
  const deleteGrants = db.prepare('DELETE FROM client_application_grant WHERE id = ?');
  const insertGrant = db.prepare('INSERT OR IGNORE INTO client_application_grant (grant_type, id) VALUES (?, ?)');
  const deleteOrigins = db.prepare('DELETE FROM client_application_origin WHERE id = ?');
  const insertOrigin = db.prepare('INSERT OR IGNORE INTO client_application_origin (origin, id) VALUES (?, ?)');
  const selectOrigin = reader.prepare<[string], { found: number }>(
    'SELECT 1 AS found FROM client_application_origin WHERE origin = ? LIMIT 1',
  );
  const selectLastDeletion = reader.prepare<[string], { versionId: number | null }>(
    "SELECT MAX(version_id) AS versionId FROM client_application_history WHERE id = ? AND method = 'DELETE'",
  );
  const selectVersion = reader.prepare<[string, number], HistoryRow>(
    'SELECT id, version_id, last_updated, method, resource FROM client_application_history WHERE id = ? AND version_id = ?',
  );
  // Search and history SQL depends on the query's shape (how many names, ids, … it ORs), so a
  // caller controls how many distinct statements there are: an unbounded cache grows without
  // limit (a statement ORing hundreds of names holds ~100 kB of native memory). Least recently
  // used first out; a dropped statement is finalized when garbage-collected.
  const statements = new RecentlyUsed<Database.Statement<unknown[]>>(MAX_CACHED_STATEMENTS);
  function prepared(sql: string) {
    let statement = statements.get(sql);
    if (!statement) {
      statement = reader.prepare<unknown[]>(sql);
      statements.set(sql, statement);
    }
    return statement;
  }

  // A total counts every match, up to every client (3 ms at 100,000), while the page itself reads
  // 20 rows: the console asks for the same totals again and again, so they are kept until the
  // next write by this process or any other. Least recently used first out.
  const totals = new RecentlyUsed<{ generation: number; total: number }>(MAX_CACHED_TOTALS);
  function countCached(countShape: string, sql: string, params: unknown[]): number {
    // The filter's shape (see `filterShape`) decides the total's SQL, so it stands for it in the
    // key; the page size and sort do not change a total, so another sort or page reuses it.
    const key = `${countShape}\u0000${JSON.stringify(params)}`;
    const now = currentGeneration();
    const hit = totals.get(key);
    if (hit?.generation === now) return hit.total;
    const total = (prepared(sql).get(...params) as { total: number }).total;
    totals.set(key, { generation: now, total });
    return total;
  }

  function toCurrent(row: CurrentRow): CurrentClientApplication {
    return {
      id: row.id,
      versionId: row.version_id,
      lastUpdated: row.last_updated,
      resource: row.deleted || row.resource === null ? null : (JSON.parse(row.resource) as ClientApplication),
      secretHash: row.secret_hash,
    };
  }

  function toVersion(row: HistoryRow): ClientApplicationVersion {
    return {
      id: row.id,
      versionId: row.version_id,
      lastUpdated: row.last_updated,
      method: row.method as WriteMethod,
      resource: row.resource === null ? null : (JSON.parse(row.resource) as ClientApplication),
    };
  }

  function emit(event: ChangeEvent) {
    generation++;
    for (const listener of listeners) listener(event);
  }

  function withMeta(resource: ClientApplication, versionId: number, lastUpdated: string, hasSecret: boolean) {
    // Whatever the secret, it never reaches a stored resource: only its hash column holds it.
    const { secret: _secret, meta, ...rest } = resource;
    const tags = (meta?.tag ?? []).filter((t) => t.system !== SECRET_TAG.system);
    if (hasSecret) tags.push({ ...SECRET_TAG });
    const { versionId: _v, lastUpdated: _l, tag: _t, ...otherMeta } = meta ?? {};
    return {
      ...rest,
      id: resource.id,
      meta: { ...otherMeta, versionId: String(versionId), lastUpdated, ...(tags.length ? { tag: tags } : {}) },
    } as ClientApplication;
  }

  function save<F>(id: string, decide: (current: CurrentClientApplication | undefined) => Decision<F>): SaveResult<F> {
    endSnapshot();
    const run = db.transaction((): SaveResult<F> & { event?: ChangeEvent } => {
      const row = selectCurrent.get(id);
      const current = row ? toCurrent(row) : undefined;
      const decision = decide(current);
      if ('failure' in decision) return { ok: false, failure: decision.failure };

      const versionId = (current?.versionId ?? 0) + 1;
      const lastUpdated = now().toISOString();
      const secretHash =
        decision.secret.kind === 'set'
          ? decision.secret.hash
          : decision.secret.kind === 'remove'
            ? null
            : (current?.secretHash ?? null);
      const resource = withMeta({ ...decision.resource, id }, versionId, lastUpdated, secretHash !== null);
      const json = JSON.stringify(resource);
      const values = {
        id,
        versionId,
        lastUpdated,
        deleted: 0,
        nameKey: nameKey(resource.name),
        resource: json,
        secretHash,
      };
      if (current) {
        if (updateCurrent.run(values).changes !== 1) throw new Error('concurrent write detected');
      } else {
        insertCurrent.run(values);
      }
      insertHistory.run({ id, versionId, lastUpdated, method: decision.method, resource: json });
      deleteGrants.run(id);
      for (const grantType of resource.grantType) insertGrant.run(grantType, id);
      deleteOrigins.run(id);
      for (const uri of resource.redirectUri ?? []) {
        const origin = webOrigin(uri);
        if (origin) insertOrigin.run(origin, id);
      }
      const created = current?.resource == null;
      return {
        ok: true,
        created,
        resource,
        event: {
          id,
          kind: created ? 'created' : 'updated',
          isSecretChanged: secretHash !== (current?.secretHash ?? null),
        },
      };
    });
    // IMMEDIATE: take the write lock before reading, so the read-decide-write cannot interleave
    // with another connection's write to the same file.
    const { event, ...result } = run.immediate();
    endSnapshot();
    if (event) emit(event);
    return result;
  }

  function remove(id: string): RemoveResult {
    endSnapshot();
    const run = db.transaction((): RemoveResult => {
      const row = selectCurrent.get(id);
      if (!row) return { kind: 'not-found' };
      if (row.deleted) return { kind: 'already-deleted', versionId: row.version_id };
      const versionId = row.version_id + 1;
      const lastUpdated = now().toISOString();
      updateCurrent.run({
        id,
        versionId,
        lastUpdated,
        deleted: 1,
        nameKey: null,
        resource: null,
        secretHash: null,
      });
      insertHistory.run({ id, versionId, lastUpdated, method: 'DELETE', resource: null });
      deleteGrants.run(id);
      deleteOrigins.run(id);
      return { kind: 'deleted', versionId, lastUpdated };
    });
    const result = run.immediate();
    endSnapshot();
    if (result.kind === 'deleted') emit({ id, kind: 'deleted', isSecretChanged: true });
    return result;
  }

  /**
   * The values a search binds, in the order of the placeholders `searchWhere` writes: the name
   * ranges, grant types, ids, then _lastUpdated bounds. The total of a grant-type filter alone
   * binds only its grant types (see `searchSql`).
   */
  function searchValues(query: SearchQuery): { params: unknown[]; countParams: unknown[] } {
    const params: unknown[] = [];
    for (const names of query.names ?? []) {
      for (const name of names) {
        const key = nameKey(name);
        params.push(key, key + MAX_CODE_POINT);
      }
    }
    for (const grantTypes of query.grantTypes ?? []) params.push(...grantTypes);
    for (const ids of query.ids ?? []) params.push(...ids);
    for (const filter of query.lastUpdated ?? []) {
      if (filter.op === 'eq') params.push(filter.start, filter.end);
      else params.push(filter.op === 'gt' || filter.op === 'le' ? filter.end : filter.start);
    }
    return { params, countParams: isGrantTypesOnly(query) ? (query.grantTypes?.[0] ?? []) : params };
  }

  function isGrantTypesOnly(query: SearchQuery): boolean {
    return query.grantTypes?.length === 1 && !query.names?.length && !query.ids?.length && !query.lastUpdated?.length;
  }

  function searchWhere(query: SearchQuery): string {
    const clauses = ['deleted = 0'];
    for (const names of query.names ?? []) {
      clauses.push(`(${names.map(() => '(name_key >= ? AND name_key < ?)').join(' OR ')})`);
    }
    for (const grantTypes of query.grantTypes ?? []) {
      // Correlated EXISTS (not IN): the planner then walks the sort index and stops at LIMIT,
      // instead of collecting every client with a common grant type and sorting them all.
      clauses.push(
        `EXISTS (SELECT 1 FROM client_application_grant g WHERE g.id = client_application.id AND g.grant_type IN (${grantTypes.map(() => '?').join(', ')}))`,
      );
    }
    for (const ids of query.ids ?? []) {
      clauses.push(`id IN (${ids.map(() => '?').join(', ')})`);
    }
    for (const filter of query.lastUpdated ?? []) {
      // gt and le compare with the end of the interval the date denotes, ge and lt with its start.
      clauses.push(filter.op === 'eq' ? 'last_updated >= ? AND last_updated < ?' : filter.op === 'gt' || filter.op === 'ge' ? 'last_updated >= ?' : 'last_updated < ?');
    }
    return clauses.join(' AND ');
  }

  /**
   * What a search's filter, and so its total's SQL, depends on, and nothing else: how many values
   * each filter ORs, and the _lastUpdated prefixes.
   */
  function filterShape(query: SearchQuery): string {
    let shape = '';
    for (const names of query.names ?? []) shape += ` n${names.length}`;
    for (const grantTypes of query.grantTypes ?? []) shape += ` g${grantTypes.length}`;
    for (const ids of query.ids ?? []) shape += ` i${ids.length}`;
    for (const filter of query.lastUpdated ?? []) shape += ` u${filter.op}`;
    return shape;
  }

  /** What a search's page SQL depends on besides the filter: the page size and the sort. */
  function pageShape(query: SearchQuery): string {
    let shape = `${query.count}`;
    for (const s of query.sort) shape += s.descending ? ` -${s.key}` : ` ${s.key}`;
    return shape;
  }

  function searchSql(query: SearchQuery): { select: string; count: string } {
    const where = searchWhere(query);
    const sort = [...query.sort];
    if (!sort.some((s) => s.key === 'id')) sort.push({ key: 'id', descending: sort.at(-1)?.descending ?? false });
    const orderBy = sort.map((s) => `${SORT_COLUMNS[s.key]}${s.descending ? ' DESC' : ''}`).join(', ');
    // The page size is written into the SQL, the offset bound: SQLite walks a literal LIMIT of 20
    // a third faster than a bound one, and page sizes are few (a validated 0-100) where offsets are many.
    if (!Number.isSafeInteger(query.count) || query.count < 0) throw new RangeError(`invalid page size ${query.count}`);
    // Each match leaves SQLite as the text the response splices in (see `search`); the four bound
    // values of MatchTextFormat come first.
    const select = `SELECT ? || json_quote(? || id) || ? || resource || ? FROM client_application WHERE ${where} ORDER BY ${orderBy} LIMIT ${query.count} OFFSET ?`;
    // A grant-type filter alone is counted from the grant table's primary key (it holds rows for
    // current clients only), not by walking every client: 63 ms → 0.1 ms at 100,000 clients.
    if (isGrantTypesOnly(query)) {
      const grantTypes = query.grantTypes?.[0] ?? [];
      return {
        select,
        count: `SELECT COUNT(DISTINCT id) AS total FROM client_application_grant WHERE grant_type IN (${grantTypes.map(() => '?').join(', ')})`,
      };
    }
    return { select, count: `SELECT COUNT(*) AS total FROM client_application WHERE ${where}` };
  }

  // A search's SQL is kept per shape, as many as the statements: writing it again for every
  // request, and finding its statement by that long text, was a sixth of the store's time for a
  // 20-row page. Least recently used first out, as the statements.
  const sqlByShape = new RecentlyUsed<{ select: string; count: string }>(MAX_CACHED_STATEMENTS);
  function shapedSearch(query: SearchQuery): { countShape: string; select: string; count: string; params: unknown[]; countParams: unknown[] } {
    const countShape = filterShape(query);
    const shape = `${pageShape(query)} |${countShape}`;
    let sql = sqlByShape.get(shape);
    if (!sql) {
      sql = searchSql(query);
      sqlByShape.set(shape, sql);
    }
    return { countShape, ...sql, ...searchValues(query) };
  }

  return {
    read(id: string): CurrentClientApplication | undefined {
      snapshot();
      const row = readCurrent.get(id);
      return row ? toCurrent(row) : undefined;
    },

    /** The current resource's stored JSON, unparsed (`json` null when deleted): what a read sends as is. */
    readStored(id: string): (Omit<StoredResource, 'json'> & { json: string | null }) | undefined {
      snapshot();
      const row = selectStored.get(id);
      if (!row) return undefined;
      const [storedId, versionId, lastUpdated, json] = row;
      return { id: storedId, versionId, lastUpdated, json };
    },

    /**
     * A number that changes whenever anything has been written to the store since, by this
     * process or another one on the same file: a value cached with it is current while it holds.
     */
    generation: currentGeneration,

    /**
     * Which life of this id the current client is: the version that (re)created it, 1 unless it
     * was deleted and created again. Credentials of an earlier life are dead.
     */
    incarnation(id: string): number {
      snapshot();
      return (selectLastDeletion.get(id)?.versionId ?? 0) + 1;
    },

    readVersion(id: string, versionId: number): ClientApplicationVersion | undefined {
      snapshot();
      const row = selectVersion.get(id, versionId);
      return row ? toVersion(row) : undefined;
    },

    save,
    remove,

    /** Is this the web origin of a redirect URI of a current client? Where browsers may call from (CORS). */
    isRedirectOrigin(origin: string): boolean {
      snapshot();
      return selectOrigin.get(origin) !== undefined;
    },

    /**
     * One page of matches as text, each written by SQLite as `format` says around its stored JSON
     * (unparsed), in order, and the total if asked; the caller joins them into its response once
     * (searchsetBundleJson). A page of 20 is then one string per match, without a row object each
     * or a second pass in JavaScript to splice them: that pass and those objects were a third of a
     * 20-row search's cost in the store.
     *
     * Not one value per page either (A/B at 100,000 clients, issue 6): group_concat keeps the page's
     * order only with its own ORDER BY, which sorts the entries again in a temporary b-tree (9-17 %
     * fewer searches a second), and the page as a BLOB sent as a Buffer made V8 run a full GC every
     * 150-250 ms for the off-heap bytes (p99 5 ms → 16-28 ms). The young garbage the BLOB saved
     * (55 → 12 kB a search) was cheap: scavenges were ~2 % of the server's time.
     */
    search(query: SearchQuery, format: MatchTextFormat): { total?: number; entries: string[] } {
      const { countShape, select, count, params, countParams } = shapedSearch(query);
      snapshot();
      const matches =
        query.count === 0
          ? []
          : (prepared(select)
              .pluck()
              .all(format.before, format.urlBase, format.between, format.after, ...params, query.offset) as string[]);
      if (!query.withTotal) return { entries: matches };
      return { total: countCached(countShape, count, countParams), entries: matches };
    },

    /** How many search and history statements are cached: the proof that hostile query shapes cannot grow it. */
    cachedStatementCount(): number {
      return statements.size;
    },

    /** A search's total counted afresh, as the first search after a write does: what the total costs. */
    countUncached(query: SearchQuery): number {
      const { count, countParams } = shapedSearch(query);
      snapshot();
      return (prepared(count).get(...countParams) as { total: number }).total;
    },

    /** `EXPLAIN QUERY PLAN` of the statements a search runs: the proof that indexes serve it. */
    explainSearch(query: SearchQuery): string[] {
      const { select, params } = shapedSearch(query);
      return (
        reader.prepare(`EXPLAIN QUERY PLAN ${select}`).all('', '', '', '', ...params, query.offset) as { detail: string }[]
      ).map((r) => r.detail);
    },

    history(options: { id?: string; since?: string; count: number; offset: number }): {
      total: number;
      versions: ClientApplicationVersion[];
    } {
      const clauses: string[] = [];
      const params: unknown[] = [];
      if (options.id !== undefined) {
        clauses.push('id = ?');
        params.push(options.id);
      }
      if (options.since !== undefined) {
        clauses.push('last_updated >= ?');
        params.push(options.since);
      }
      const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
      snapshot();
      const { total } = prepared(`SELECT COUNT(*) AS total FROM client_application_history ${where}`).get(
        ...params,
      ) as { total: number };
      const rows = prepared(
        `SELECT id, version_id, last_updated, method, resource FROM client_application_history ${where}
         ORDER BY ${options.id === undefined ? 'last_updated DESC, id,' : ''} version_id DESC LIMIT ? OFFSET ?`,
      ).all(...params, options.count, options.offset) as HistoryRow[];
      return { total, versions: rows.map(toVersion) };
    },

    onChange(listener: (event: ChangeEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Closes the store's reading connection; the caller closes `db`. */
    close(): void {
      reader.close();
    },
  };
}

export type ClientApplicationStore = ReturnType<typeof createClientApplicationStore>;
