import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fhirHttp, type HttpResult } from '../../test-support/http.ts';
import { startTestServer, type TestServer } from '../../test-support/test-server.ts';
import { verifySecret } from '../oidc/secret-hash.ts';

// Issue 7 §2: races over real sockets. Optimistic locking gives exactly one winner per version
// and loses no update; conditional creates give exactly one 201; and once a DELETE has returned,
// the deleted client gets no token, and every token it ever got is dead at the API.

const CONCURRENCY = 100;
const SECRET_WRITERS = 12;

let server: TestServer;
let http: ReturnType<typeof fhirHttp>;

beforeAll(async () => {
  server = await startTestServer();
  http = fhirHttp(server);
  await server.bearer(); // one token for every request below
});
afterAll(async () => server?.close());

const portal = (id: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'ClientApplication',
  id,
  name: 'Race portal',
  grantType: ['authorization_code'],
  responseTypes: 'code',
  redirectUri: ['https://race.example.com/cb'],
  ...extra,
});

const etagVersion = (r: HttpResult) => Number(/^W\/"(\d+)"$/.exec(r.headers.get('etag') ?? '')?.[1]);

describe('races (issue 7 §2)', () => {
  it(`${CONCURRENCY} concurrent updates with the same If-Match: exactly one success per version`, async () => {
    const id = 'race-if-match';
    expect((await http(`/ClientApplication/${id}`, { method: 'PUT', body: portal(id) })).status).toBe(201);
    const winners: string[] = [];
    let requests = 0;
    // Plain rounds, then a round where every writer also sends a secret: the slow hash runs between
    // the early precondition check and the transaction, so all of them pass the first check. (A
    // smaller round: Argon2id costs 32 MiB and tens of milliseconds each, by design.)
    for (const [round, withSecret] of [[1, false], [2, false], [3, false], [4, true]] as const) {
      const version = round;
      const writers = withSecret ? SECRET_WRITERS : CONCURRENCY;
      const results = await Promise.all(
        Array.from({ length: writers }, (_, i) =>
          http(`/ClientApplication/${id}`, {
            method: 'PUT',
            headers: { 'if-match': `W/"${version}"` },
            body: portal(id, { name: `round ${round} writer ${i}`, ...(withSecret ? { secret: `secret-of-writer-${i}-in-round-${round}` } : {}) }),
          }),
        ),
      );
      requests += results.length;
      const ok = results.filter((r) => r.status === 200);
      expect(ok, `round ${round}`).toHaveLength(1);
      expect(results.filter((r) => r.status === 412)).toHaveLength(writers - 1);
      const [winner] = ok;
      expect(etagVersion(winner as HttpResult)).toBe(version + 1);
      // Every loser is told the version that beat it.
      for (const loser of results.filter((r) => r.status === 412)) expect(etagVersion(loser)).toBe(version + 1);
      const stored = await http(`/ClientApplication/${id}`);
      expect(stored.body.name).toBe(winner?.body.name);
      winners.push(String(winner?.body.name));
      if (withSecret) {
        // The stored secret is the winner's, not a loser's that hashed later.
        const writer = /writer (\d+)/.exec(String(winner?.body.name))?.[1];
        const hash = server.app.store.read(id)?.secretHash ?? '';
        expect(await verifySecret(`secret-of-writer-${writer}-in-round-${round}`, hash)).toBe(true);
      }
    }
    const history = await http(`/ClientApplication/${id}/_history?_count=100`);
    expect(history.body.total).toBe(5);
    expect(history.body.entry.slice(0, 4).map((e: { resource: { name: string } }) => e.resource.name).reverse()).toEqual(winners);

    // JSON Patch takes the same path.
    const patches = await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) =>
        http(`/ClientApplication/${id}`, {
          method: 'PATCH',
          headers: { 'if-match': 'W/"5"', 'content-type': 'application/json-patch+json' },
          body: [{ op: 'replace', path: '/name', value: `patcher ${i}` }],
        }),
      ),
    );
    requests += patches.length;
    expect(patches.filter((r) => r.status === 200)).toHaveLength(1);
    expect(patches.filter((r) => r.status === 412)).toHaveLength(CONCURRENCY - 1);
    console.log(`[races] If-Match: ${requests} concurrent writes in 5 rounds (${CONCURRENCY} each; ${SECRET_WRITERS} when each also hashes a secret): exactly 1 success per version each round`);
  }, 60_000);

  it('read-modify-write with If-Match and retries loses no update', async () => {
    const id = 'race-counter';
    const writers = 10;
    const incrementsEach = 10;
    await http(`/ClientApplication/${id}`, { method: 'PUT', body: portal(id, { description: 'count 0' }) });
    let attempts = 0;
    const successes: number[] = [];
    const deadline = Date.now() + 60_000;
    async function writer() {
      for (let done = 0; done < incrementsEach; ) {
        if (Date.now() > deadline || attempts > 20_000) throw new Error('the writers did not finish in time');
        attempts++;
        const current = await http(`/ClientApplication/${id}`);
        const n = Number(/^count (\d+)$/.exec(current.body.description)?.[1]);
        const put = await http(`/ClientApplication/${id}`, {
          method: 'PUT',
          headers: { 'if-match': current.headers.get('etag') ?? '' },
          body: portal(id, { description: `count ${n + 1}` }),
        });
        if (put.status === 200) {
          successes.push(etagVersion(put));
          done++;
        } else {
          expect(put.status).toBe(412);
        }
      }
    }
    await Promise.all(Array.from({ length: writers }, writer));
    const total = writers * incrementsEach;
    const final = await http(`/ClientApplication/${id}`);
    expect(final.body.description).toBe(`count ${total}`);
    expect(final.body.meta.versionId).toBe(String(total + 1));
    // Each version was won exactly once, and history holds every count in order.
    expect([...successes].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 2));
    const history = await http(`/ClientApplication/${id}/_history?_count=100&_offset=0`);
    const older = await http(`/ClientApplication/${id}/_history?_count=100&_offset=100`);
    const descriptions = [...history.body.entry, ...older.body.entry].map((e: { resource: { description: string } }) => e.resource.description);
    expect(descriptions.reverse()).toEqual(Array.from({ length: total + 1 }, (_, i) => `count ${i}`));
    console.log(`[races] lost updates: ${writers} writers × ${incrementsEach} increments, ${attempts} attempts, final count ${total}/${total}: 0 lost`);
  }, 90_000);

  it(`${CONCURRENCY} concurrent creates of one id with If-None-Match: * give exactly one 201`, async () => {
    let requests = 0;
    for (const [index, withSecret] of [[0, false], [1, false], [2, false], [3, true]] as const) {
      const id = `race-create-${index}`;
      const n = withSecret ? SECRET_WRITERS : CONCURRENCY;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          http(`/ClientApplication/${id}`, {
            method: 'PUT',
            headers: { 'if-none-match': '*' },
            body: portal(id, { name: `creator ${i}`, ...(withSecret ? { secret: `secret-of-creator-${i}` } : {}) }),
          }),
        ),
      );
      requests += n;
      const created = results.filter((r) => r.status === 201);
      expect(created).toHaveLength(1);
      expect(results.filter((r) => r.status === 412)).toHaveLength(n - 1);
      const stored = await http(`/ClientApplication/${id}`);
      expect(stored.body.name).toBe(created[0]?.body.name);
      expect(stored.body.meta.versionId).toBe('1');
      if (withSecret) {
        const creator = /creator (\d+)/.exec(String(created[0]?.body.name))?.[1];
        expect(await verifySecret(`secret-of-creator-${creator}`, server.app.store.read(id)?.secretHash ?? '')).toBe(true);
      }
    }
    console.log(`[races] If-None-Match: *: ${requests} concurrent creates of 4 ids: exactly one 201 per id`);
  }, 60_000);

  it('concurrent DELETE and token requests: no token for a request sent after the DELETE returned, and every token issued is dead', async () => {
    const id = 'race-doomed';
    const secret = 'race-doomed-secret-0123456789-abcdefghijklmno';
    await http(`/ClientApplication/${id}`, {
      method: 'PUT',
      body: { resourceType: 'ClientApplication', id, name: 'Doomed', grantType: ['client_credentials', 'basic_auth'], responseTypes: 'token', secret, scope: 'system/ClientApplication.rs' },
    });
    const basic = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    type Attempt = { kind: 'token' | 'basic'; sentAt: number; receivedAt: number; status: number; token?: string; error?: string };
    const attempts: Attempt[] = [];
    let deleteReturnedAt = Number.POSITIVE_INFINITY;
    let afterDelete = 0;
    const enough = { before: 150, after: 150 };
    const hardStop = Date.now() + 30_000;
    let triggerDelete: () => void = () => {};
    const deleteTriggered = new Promise<void>((resolve) => (triggerDelete = resolve));

    async function tokenLoop() {
      while (afterDelete < enough.after && Date.now() < hardStop && attempts.length < 5000) {
        const sentAt = performance.now();
        const response = await fetch(server.tokenEndpoint, {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        });
        const body = (await response.json()) as { access_token?: string; error?: string };
        const receivedAt = performance.now();
        attempts.push({ kind: 'token', sentAt, receivedAt, status: response.status, token: body.access_token, error: body.error });
        if (sentAt > deleteReturnedAt) afterDelete++;
        if (attempts.length >= enough.before) triggerDelete();
      }
    }
    async function basicLoop() {
      while (afterDelete < enough.after && Date.now() < hardStop && attempts.length < 5000) {
        const sentAt = performance.now();
        const response = await fetch(`${server.fhirBaseUrl}/ClientApplication/${id}`, { headers: { authorization: basic } });
        await response.arrayBuffer();
        attempts.push({ kind: 'basic', sentAt, receivedAt: performance.now(), status: response.status });
      }
    }
    const loops = [...Array.from({ length: 6 }, tokenLoop), basicLoop(), basicLoop()];
    await deleteTriggered;
    const deleted = await fetch(`${server.fhirBaseUrl}/ClientApplication/${id}`, { method: 'DELETE', headers: { authorization: await server.bearer() } });
    deleteReturnedAt = performance.now();
    expect(deleted.status).toBe(204);
    await Promise.all(loops);

    const tokens = attempts.filter((a) => a.kind === 'token');
    const sentAfter = attempts.filter((a) => a.sentAt > deleteReturnedAt);
    expect(sentAfter.filter((a) => a.kind === 'token').length).toBeGreaterThanOrEqual(enough.after);
    for (const a of sentAfter) {
      expect(a.status, a.kind).toBe(401);
      if (a.kind === 'token') expect(a.error).toBe('invalid_client');
    }
    const issued = tokens.filter((a) => a.status === 200 && a.token);
    expect(issued.length).toBeGreaterThan(0);
    const inFlight = issued.filter((a) => a.receivedAt > deleteReturnedAt);
    // Every token the client ever got, including any whose response was still on its way when the
    // DELETE returned, is refused by the API now.
    for (const a of issued) {
      const response = await fetch(`${server.fhirBaseUrl}/metadata`, { headers: { authorization: `Bearer ${a.token}` } });
      expect(response.status).toBe(401);
    }
    console.log(
      `[races] delete + token: ${attempts.length} requests (${tokens.length} token, ${attempts.length - tokens.length} Basic API), ` +
        `${sentAfter.length} sent after the DELETE returned: 0 succeeded; ${issued.length} tokens issued before (${inFlight.length} delivered after the DELETE returned), all ${issued.length} refused by the API afterwards`,
    );
  }, 60_000);
});
