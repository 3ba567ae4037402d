import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

// Migrations run in order inside one transaction each; `PRAGMA user_version` records how far a
// database file has come, so a newer server opens an older file safely.
// Each is SQL, or a function for a step SQL cannot express (computing URL origins).
const MIGRATIONS: readonly (string | ((db: Db) => void))[] = [
  `
  CREATE TABLE client_application (
    id           TEXT PRIMARY KEY,
    version_id   INTEGER NOT NULL,
    last_updated TEXT NOT NULL,           -- ISO 8601 UTC with milliseconds: sorts as text
    deleted      INTEGER NOT NULL DEFAULT 0,
    name_key     TEXT,                    -- lower-cased name: case-insensitive prefix search and sort
    resource     TEXT,                    -- current version as JSON, never with a secret
    secret_hash  TEXT                     -- salted hash (oidc/secret-hash.ts); NULL for public clients
  ) STRICT;
  CREATE INDEX client_application_name ON client_application (name_key, id) WHERE deleted = 0;
  CREATE INDEX client_application_updated ON client_application (last_updated, id) WHERE deleted = 0;

  CREATE TABLE client_application_grant (
    grant_type TEXT NOT NULL,
    id         TEXT NOT NULL,
    PRIMARY KEY (grant_type, id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX client_application_grant_id ON client_application_grant (id);

  CREATE TABLE client_application_history (
    id           TEXT NOT NULL,
    version_id   INTEGER NOT NULL,
    last_updated TEXT NOT NULL,
    method       TEXT NOT NULL,           -- POST | PUT | PATCH | DELETE
    resource     TEXT,                    -- NULL for a deletion; never with a secret
    PRIMARY KEY (id, version_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX client_application_history_updated ON client_application_history (last_updated);
  `,
  // 2: the authorization server's state (issue 3). oidc-provider persists every artifact
  // (sessions, interactions, grants, codes, refresh tokens, …) through one adapter seam; they
  // share a table keyed by (model, id) with the lookups the adapter contract needs.
  `
  CREATE TABLE oidc_model (
    model      TEXT NOT NULL,             -- oidc-provider model name: Session, Grant, RefreshToken, …
    id         TEXT NOT NULL,
    payload    TEXT NOT NULL,             -- JSON as oidc-provider hands it over
    grant_id   TEXT,                      -- revokeByGrantId
    uid        TEXT,                      -- findByUid (sessions)
    user_code  TEXT,                      -- findByUserCode (device flow)
    client_id  TEXT,                      -- revoke everything of a deleted client at once
    expires_at INTEGER,                   -- epoch milliseconds; NULL never expires
    PRIMARY KEY (model, id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX oidc_model_grant ON oidc_model (grant_id) WHERE grant_id IS NOT NULL;
  CREATE INDEX oidc_model_uid ON oidc_model (model, uid) WHERE uid IS NOT NULL;
  CREATE INDEX oidc_model_user_code ON oidc_model (model, user_code) WHERE user_code IS NOT NULL;
  CREATE INDEX oidc_model_client ON oidc_model (client_id) WHERE client_id IS NOT NULL;
  CREATE INDEX oidc_model_expires ON oidc_model (expires_at) WHERE expires_at IS NOT NULL;

  -- Signing keys (private JWKs) and cookie-signing secrets: generated on first start and kept,
  -- so a restart neither invalidates issued tokens nor signs anyone out.
  CREATE TABLE oidc_key (
    kind       TEXT NOT NULL,             -- signing | cookie
    id         TEXT NOT NULL,
    material   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (kind, id)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE app_user (
    id            TEXT PRIMARY KEY,       -- the OIDC subject (sub)
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,          -- salted hash, see oidc/secret-hash.ts
    is_admin      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
  ) STRICT;

  -- Consent remembered per user and client (SPEC §7), pointing at the oidc-provider Grant.
  CREATE TABLE oidc_consent (
    account_id TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    grant_id   TEXT NOT NULL,
    PRIMARY KEY (account_id, client_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX oidc_consent_client ON oidc_consent (client_id);
  `,
  // 3: the web origins of current clients' redirect URIs, kept beside the grant types by every
  // write, so the CORS check is one indexed lookup instead of a scan of every client.
  (db: Db) => {
    db.exec(`
      CREATE TABLE client_application_origin (
        origin TEXT NOT NULL,
        id     TEXT NOT NULL,
        PRIMARY KEY (origin, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX client_application_origin_id ON client_application_origin (id);
    `);
    const insert = db.prepare('INSERT OR IGNORE INTO client_application_origin (origin, id) VALUES (?, ?)');
    const rows = db
      .prepare<[], { id: string; uri: string }>(
        `SELECT c.id, r.value AS uri FROM client_application c, json_each(c.resource, '$.redirectUri') r
          WHERE c.deleted = 0 AND r.type = 'text'`,
      )
      .all();
    for (const { id, uri } of rows) {
      const origin = webOrigin(uri);
      if (origin) insert.run(origin, id);
    }
  },
];

/** The origin a browser at this redirect URI sends (`https://app.example.com:8443`), for http(s) URIs only. */
export function webOrigin(uri: string): string | undefined {
  const url = URL.parse(uri);
  return url && (url.protocol === 'https:' || url.protocol === 'http:') ? url.origin : undefined;
}

export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: an acknowledged write survives power loss, not only a process crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // better-sqlite3 builds SQLite with a 16 MB page cache per connection, and use fills it to
  // that bound: resident memory. 8 MB still holds the name index that sorts and counts walk
  // (~5 MB at 100,000 clients); reads and searches over 100,000 clients measured no slower, while
  // 4 MB was ~40 % slower. No mmap_size: mapped pages would count in RSS too. The store reads
  // through a second connection (`openReader`), bounded alike; this one fills with writes.
  db.pragma('cache_size = -8000');
  migrate(db);
  return db;
}

/**
 * A read-only connection to `db`'s file, for the ClientApplication store's reads (see its
 * snapshots). Its page cache is the one reads fill, bounded as `openDatabase` bounds its own.
 */
export function openReader(db: Db): Db {
  if (db.memory) throw new Error('The store reads through a second connection: its database must be a file.');
  const reader = new Database(db.name, { readonly: true, fileMustExist: true });
  reader.pragma('busy_timeout = 5000');
  reader.pragma('cache_size = -8000');
  return reader;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `The database was written by a newer version of Client Admin (schema ${current}, this build knows ${MIGRATIONS.length}).`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      const migration = MIGRATIONS[version] as string | ((db: Db) => void);
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
