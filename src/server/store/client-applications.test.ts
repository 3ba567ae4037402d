import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientApplication } from '../../model/client-application.ts';
import { createSqliteAdapter } from '../oidc/adapter.ts';
import { createClientApplicationStore, type ClientApplicationStore } from './client-applications.ts';
import { openDatabase, type Db } from './database.ts';

// The store's reads share one snapshot per event-loop turn (client-applications.ts): what it
// promises a caller about the state it reads.

const client = (name: string): ClientApplication => ({
  resourceType: 'ClientApplication',
  name,
  grantType: ['authorization_code'],
  responseTypes: 'code',
  redirectUri: ['https://app.example.com/callback'],
});

const put = (store: ClientApplicationStore, id: string, name: string) =>
  store.save(id, () => ({ resource: client(name), secret: { kind: 'keep' }, method: 'PUT' }));

const NAME_SEARCH = { names: [['snapshot']], sort: [], count: 20, offset: 0, withTotal: true };
const FORMAT = { before: '', urlBase: '', between: '', after: '' };

describe('the ClientApplication store', () => {
  let dir: string;
  let file: string;
  const opened: { store: ClientApplicationStore; db: Db }[] = [];
  /** The store over the test's file, closed after the test, and the connection it writes on. */
  const open = () => {
    const db = openDatabase(file);
    const store = createClientApplicationStore(db);
    opened.push({ store, db });
    return { store, db };
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-admin-store-'));
    file = path.join(dir, 'client-admin.sqlite');
  });
  afterEach(() => {
    for (const { store, db } of opened.splice(0)) {
      store.close();
      db.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads back what it has just written, in the same turn as the write', () => {
    const { store } = open();
    put(store, 'snap-1', 'Snapshot one');
    expect(store.read('snap-1')?.versionId).toBe(1);
    expect(store.search(NAME_SEARCH, FORMAT).total).toBe(1);

    put(store, 'snap-1', 'Snapshot one, renamed');
    put(store, 'snap-2', 'Snapshot two');
    expect(store.read('snap-1')?.resource?.name).toBe('Snapshot one, renamed');
    expect(store.readStored('snap-2')?.versionId).toBe(1);
    expect(store.search(NAME_SEARCH, FORMAT).total).toBe(2);

    expect(store.remove('snap-2').kind).toBe('deleted');
    expect(store.readStored('snap-2')?.json).toBeNull();
    expect(store.search(NAME_SEARCH, FORMAT).total).toBe(1);

    // A decision that reads the store before the write commits.
    store.save('snap-3', () => ({
      resource: client(`Snapshot three, after ${store.read('snap-1')?.resource?.name}`),
      secret: { kind: 'keep' },
      method: 'PUT',
    }));
    expect(store.read('snap-3')?.resource?.name).toBe('Snapshot three, after Snapshot one, renamed');
    expect(store.search(NAME_SEARCH, FORMAT).total).toBe(2);
  });

  it("sees another process's commit from the next turn, with every read of a turn agreeing", async () => {
    const { store } = open();
    const { store: elsewhere } = open();
    put(store, 'snap-1', 'Snapshot one');
    await nextTurn();
    expect(store.search(NAME_SEARCH, FORMAT).total).toBe(1);
    const generation = store.generation();

    put(elsewhere, 'snap-2', 'Snapshot two');
    expect(store.read('snap-2')).toBeUndefined();
    expect(store.search(NAME_SEARCH, FORMAT).total).toBe(1);

    await nextTurn();
    expect(store.generation()).not.toBe(generation);
    expect(store.read('snap-2')?.versionId).toBe(1);
    expect(store.search(NAME_SEARCH, FORMAT).total).toBe(2);
  });

  it("keeps its generation, and so its caches, while this process writes only the authorization server's tables", async () => {
    const { store, db } = open();
    put(store, 'snap-1', 'Snapshot one');
    await nextTurn();
    const generation = store.generation();

    // What the authorization server writes on the same connection during a sign-in.
    const { Adapter } = createSqliteAdapter({ db, findClient: () => undefined });
    await new Adapter('Session').upsert('session-1', { accountId: 'admin' }, 600);
    await nextTurn();
    expect(store.generation()).toBe(generation);

    put(store, 'snap-2', 'Snapshot two');
    expect(store.generation()).not.toBe(generation);
  });

  it('lets checkpoints empty the write-ahead log while reads and writes interleave', () => {
    const { store } = open();
    // Each write reads first, in the same turn, as a request that looks before it writes does.
    for (let i = 0; i < 1500; i++) {
      store.read(`snap-${i - 1}`);
      put(store, `snap-${i}`, `Snapshot ${i}`);
    }
    // SQLite checkpoints at 1,000 pages (4 MB) and then writes the log from its start again;
    // 1,500 writes that never let a checkpoint finish fill ~80 MB.
    expect(fs.statSync(`${file}-wal`).size).toBeLessThan(6 * 2 ** 20);
    expect(store.search(NAME_SEARCH, FORMAT).total).toBe(1500);
  });

  it('closes with a snapshot still open', async () => {
    const db = openDatabase(file);
    const store = createClientApplicationStore(db);
    put(store, 'snap-1', 'Snapshot one');
    expect(store.read('snap-1')?.versionId).toBe(1);
    store.close();
    db.close();
    await nextTurn();
    const { store: reopened } = open();
    expect(reopened.read('snap-1')?.versionId).toBe(1);
  });
});
