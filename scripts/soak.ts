#!/usr/bin/env -S node --import tsx
// `npm run soak` (issue 7 §5): the real server, bundled and run as `npm start` runs it, as a child
// process under mixed load (reads, searches, writes, token requests) at half its measured maximum,
// for 5 minutes.
// Passes with 0 errors and server RSS growth of at most 10 % after a one-minute warm-up (the mean
// RSS of the last minute against that of the first minute after warm-up).
// Not part of `npm test`. Traffic goes to 127.0.0.1 only; every phase is bounded in time.
//
//   SOAK_SECONDS   length of the soak phase (default 300)
//   SOAK_WARMUP    seconds of the soak that count as warm-up (default 60)
//   SOAK_RATE      requests per second, skipping the measurement of the maximum
//
// Prints one summary line and writes test-results/soak.json.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startChildServer, writeSeedBundle } from '../src/test-support/child-server.ts';
import { bundleServer } from './build-server.mjs';

const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const WARMUP_SECONDS = Number(process.env.SOAK_WARMUP ?? Math.min(60, SOAK_SECONDS / 5));
const MEASURE_SECONDS = 15;
const MEASURE_CONCURRENCY = 16;
const MAX_IN_FLIGHT = 512;
const CLIENTS = 200;
const OPERATOR = { id: 'soak-operator', secret: 'soak-operator-secret-0123456789-abcdefghijkl' };
const MACHINE = { id: 'soak-machine', secret: 'soak-machine-secret-0123456789-abcdefghijklm' };

type Op = 'read' | 'search' | 'write' | 'token';
const MIX: [Op, number][] = [
  ['read', 40],
  ['search', 25],
  ['write', 20],
  ['token', 15],
];

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-admin-soak-'));
const port = await new Promise<number>((resolve, reject) => {
  const probe = net.createServer();
  probe.once('error', reject);
  probe.listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address() as net.AddressInfo;
    probe.close(() => resolve(free));
  });
});
await bundleServer();
const server = await startChildServer({ port, dataDir, seedBundle: writeSeedBundle(dataDir, OPERATOR) });
const pid = server.child.pid as number;
const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
const fhirPath = new URL(server.fhirBaseUrl).pathname;
const tokenPath = new URL(server.tokenEndpoint).pathname;

type Result = { status: number; body: string };

function request(method: string, urlPath: string, headers: Record<string, string>, body?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout after 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const basic = (c: { id: string; secret: string }) => `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString('base64')}`;

async function tokenFor(client: { id: string; secret: string }): Promise<Result> {
  return request('POST', tokenPath, { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' }, 'grant_type=client_credentials');
}

let bearer = '';
let bearerExpiresAt = 0;
async function refreshBearer() {
  const res = await tokenFor(OPERATOR);
  if (res.status !== 200) throw new Error(`operator token: ${res.status} ${res.body}`);
  const body = JSON.parse(res.body) as { access_token: string; expires_in: number };
  bearer = `Bearer ${body.access_token}`;
  bearerExpiresAt = Date.now() + body.expires_in * 1000;
}

const clientResource = (i: number, generation: number) =>
  JSON.stringify({
    resourceType: 'ClientApplication',
    id: `soak-${i}`,
    name: `Soak client ${i}`,
    description: `generation ${generation}`,
    grantType: ['authorization_code', 'refresh_token'],
    responseTypes: 'code',
    redirectUri: [`https://soak${i % 10}.example.com/callback`],
    scope: 'openid offline_access user/*.rs',
  });

let generation = 0;
let cursor = 0;
function run(op: Op): Promise<Result> {
  const i = cursor++ % CLIENTS;
  const auth = { authorization: bearer };
  switch (op) {
    case 'read':
      return request('GET', `${fhirPath}/ClientApplication/soak-${i}`, auth);
    case 'search':
      return request('GET', `${fhirPath}/ClientApplication?name=soak%20client%20${i % 20}&grantType=authorization_code&_count=20`, auth);
    case 'write':
      return request('PUT', `${fhirPath}/ClientApplication/soak-${i}`, { ...auth, 'content-type': 'application/fhir+json' }, clientResource(i, ++generation));
    case 'token':
      return tokenFor(MACHINE);
  }
}

const totalWeight = MIX.reduce((n, [, w]) => n + w, 0);
let pick = 0;
/** Deterministic interleaving of the mix (no randomness: runs are comparable). */
function nextOp(): Op {
  let slot = pick++ % totalWeight;
  for (const [op, weight] of MIX) {
    if (slot < weight) return op;
    slot -= weight;
  }
  return 'read';
}

function rssBytes(): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

const errors: { op: Op; status: number | string; body: string }[] = [];
const counts: Record<Op, number> = { read: 0, search: 0, write: 0, token: 0 };
const latencies: number[] = [];

async function timed(op: Op, record: boolean) {
  const started = performance.now();
  try {
    const res = await run(op);
    if (res.status < 200 || res.status >= 300) errors.push({ op, status: res.status, body: res.body.slice(0, 200) });
  } catch (error) {
    errors.push({ op, status: 'network', body: (error as Error).message });
  }
  if (record) {
    counts[op]++;
    latencies.push(performance.now() - started);
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

try {
  // Setup: the clients every operation touches, and the machine client whose secret check is cached after its first use.
  await refreshBearer();
  for (let i = 0; i < CLIENTS; i++) {
    const res = await request('PUT', `${fhirPath}/ClientApplication/soak-${i}`, { authorization: bearer, 'content-type': 'application/fhir+json' }, clientResource(i, 0));
    if (res.status >= 300) throw new Error(`setup PUT: ${res.status} ${res.body}`);
  }
  const machine = await request(
    'PUT',
    `${fhirPath}/ClientApplication/${MACHINE.id}`,
    { authorization: bearer, 'content-type': 'application/fhir+json' },
    JSON.stringify({ resourceType: 'ClientApplication', id: MACHINE.id, name: 'Soak machine', grantType: ['client_credentials'], responseTypes: 'token', secret: MACHINE.secret, scope: 'system/ClientApplication.rs' }),
  );
  if (machine.status >= 300) throw new Error(`setup machine client: ${machine.status} ${machine.body}`);
  if ((await tokenFor(MACHINE)).status !== 200) throw new Error('setup: the machine client cannot get a token');

  // 1. The maximum: a closed loop at fixed concurrency.
  let rate = Number(process.env.SOAK_RATE ?? 0);
  let measured = 0;
  if (!rate) {
    const measureEnd = performance.now() + MEASURE_SECONDS * 1000;
    let done = 0;
    const worker = async () => {
      while (performance.now() < measureEnd) {
        await timed(nextOp(), false);
        done++;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: MEASURE_CONCURRENCY }, worker));
    measured = done / ((performance.now() - started) / 1000);
    rate = Math.max(1, Math.floor(measured / 2));
    if (errors.length) throw new Error(`errors while measuring the maximum: ${JSON.stringify(errors.slice(0, 3))}`);
  }
  console.log(`soak: maximum ${measured ? measured.toFixed(0) : '(not measured)'} req/s at concurrency ${MEASURE_CONCURRENCY}; soaking at ${rate} req/s for ${SOAK_SECONDS} s (warm-up ${WARMUP_SECONDS} s)`);

  // 2. The soak: an open loop at `rate`, whatever the latency, with RSS sampled every 5 s.
  const samples: { t: number; rss: number }[] = [];
  const soakStart = performance.now();
  const soakEnd = soakStart + SOAK_SECONDS * 1000;
  let launched = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  let nextSample = soakStart;
  let lastProgress = soakStart;
  while (performance.now() < soakEnd) {
    const now = performance.now();
    if (now >= nextSample) {
      samples.push({ t: (now - soakStart) / 1000, rss: rssBytes() });
      nextSample += 5000;
    }
    if (now - lastProgress >= 30_000) {
      lastProgress = now;
      const rss = samples.at(-1)?.rss ?? 0;
      console.log(`  ${Math.round((now - soakStart) / 1000)} s: ${latencies.length} done, ${errors.length} errors, RSS ${(rss / 2 ** 20).toFixed(1)} MiB, in flight ${inFlight}`);
    }
    if (Date.now() > bearerExpiresAt - 60_000) await refreshBearer();
    const due = Math.floor(((now - soakStart) / 1000) * rate) - launched;
    for (let k = 0; k < due; k++) {
      launched++;
      if (inFlight >= MAX_IN_FLIGHT) {
        errors.push({ op: 'read', status: 'overload', body: `more than ${MAX_IN_FLIGHT} requests in flight` });
        continue;
      }
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      void timed(nextOp(), true).finally(() => inFlight--);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const drainEnd = performance.now() + 30_000;
  while (inFlight > 0 && performance.now() < drainEnd) await new Promise((resolve) => setTimeout(resolve, 10));
  samples.push({ t: (performance.now() - soakStart) / 1000, rss: rssBytes() });

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  // RSS saws up and down with each major GC, so both ends are means over a window of several
  // samples: the first minute after warm-up against the last minute.
  const afterWarmup = samples.filter((s) => s.t >= WARMUP_SECONDS);
  const windowSeconds = Math.min(60, (SOAK_SECONDS - WARMUP_SECONDS) / 2);
  const end = samples.at(-1)?.t ?? SOAK_SECONDS;
  const baseline = mean(afterWarmup.filter((s) => s.t < WARMUP_SECONDS + windowSeconds).map((s) => s.rss));
  const final = mean(samples.filter((s) => s.t > end - windowSeconds).map((s) => s.rss));
  const peak = Math.max(...afterWarmup.map((s) => s.rss));
  const growth = (final - baseline) / baseline;
  const sorted = [...latencies].sort((a, b) => a - b);
  const seconds = (performance.now() - soakStart) / 1000;
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const summary = {
    date: new Date().toISOString(),
    node: process.version,
    maxRequestsPerSecond: measured ? Math.round(measured) : null,
    measureConcurrency: MEASURE_CONCURRENCY,
    rate,
    soakSeconds: SOAK_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    requests: latencies.length,
    achievedRequestsPerSecond: Math.round(latencies.length / seconds),
    mix: counts,
    errors: errors.length,
    firstErrors: errors.slice(0, 5),
    latencyMs: { p50: +percentile(sorted, 50).toFixed(1), p95: +percentile(sorted, 95).toFixed(1), p99: +percentile(sorted, 99).toFixed(1), max: +(sorted.at(-1) ?? 0).toFixed(1) },
    peakInFlight,
    rss: { baseline: Math.round(baseline), final: Math.round(final), peakAfterWarmup: peak, growthPercent: +(growth * 100).toFixed(2) },
    rssSamples: samples.map((s) => [Math.round(s.t), Math.round(s.rss / 1024)]),
  };
  fs.mkdirSync('test-results', { recursive: true });
  fs.writeFileSync(path.join('test-results', 'soak.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const ok = errors.length === 0 && growth <= 0.1;
  console.log(
    `soak ${ok ? 'passed' : 'FAILED'}: ${latencies.length} requests in ${seconds.toFixed(0)} s at ${summary.achievedRequestsPerSecond} req/s ` +
      `(read ${counts.read}, search ${counts.search}, write ${counts.write}, token ${counts.token}); ${errors.length} errors; ` +
      `latency p50 ${summary.latencyMs.p50} ms, p95 ${summary.latencyMs.p95} ms, p99 ${summary.latencyMs.p99} ms; ` +
      `RSS ${mib(baseline)} in the minute after warm-up → ${mib(final)} in the last minute (${summary.rss.growthPercent >= 0 ? '+' : ''}${summary.rss.growthPercent} %, peak ${mib(peak)})`,
  );
  if (errors.length) console.log(`first errors: ${JSON.stringify(errors.slice(0, 5))}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  agent.destroy();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
