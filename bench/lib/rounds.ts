import type { Child, Usage } from './child.ts';
import { runLoad, type LoadOptions, type LoadResult } from './load.ts';
import { median, ratio, round } from './stats.ts';

// A/B(/C…) comparisons: every target gets a short warm-up, then `rounds` rounds in which each
// target runs once, in an order that changes every round (roundOrder), so drift on a noisy machine
// (another engineer's test run starting, a server still warming up) spreads over all targets
// instead of landing on one.

export type Target = {
  name: string;
  /** Built per run, so a run can fetch a fresh access token first. */
  options: () => Promise<LoadOptions> | LoadOptions;
  /** The process serving the target, to read how much CPU it used during each run. */
  server?: Child<unknown>;
};

/** A run's result, with what the server used during it (NaN for a target without a server child). */
export type Measured = LoadResult & { serverCores: number; serverGcShare: number; serverMajorGcShare: number; serverLongestGcMs: number; serverLongestStallMs: number };

export type Summary = {
  /** Medians over rounds. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  rounds: number;
  /** Per-round req/s and p99, to show the spread. */
  rpsByRound: number[];
  p99MsByRound: number[];
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** Medians of the CPU used, in cores, by the server and by the load generator. */
  serverCores: number;
  generatorCores: number;
  /**
   * The server's own pauses: the median share of each run's time spent in garbage collection,
   * and in the old generation's collections alone (Pauses in child.ts), and the longest
   * collection and the longest event-loop stall of any round (ms).
   */
  serverGcShare: number;
  serverMajorGcShare: number;
  serverLongestGcMs: number;
  serverLongestStallMs: number;
};

/**
 * The ratio of two targets' throughput: the median over rounds of ours / baseline within each
 * round. The two ran seconds apart in every round, so load from other processes that comes and
 * goes over a minute cancels out better than in a ratio of the two overall medians.
 */
export function pairedRatio(ours: Summary | undefined, baseline: Summary | undefined): number {
  if (!ours || !baseline) return Number.NaN;
  const ratios = ours.rpsByRound.map((value, i) => ratio(value, baseline.rpsByRound[i] ?? Number.NaN)).filter(Number.isFinite);
  return round(median(ratios), 2);
}

export function summarise(results: Measured[]): Summary {
  const statusCodes: Record<string, number> = {};
  for (const r of results) for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    rps: round(median(results.map((r) => r.rps)), 0),
    p50Ms: round(median(results.map((r) => r.p50)), 2),
    p99Ms: round(median(results.map((r) => r.p99)), 2),
    rounds: results.length,
    rpsByRound: results.map((r) => round(r.rps, 0)),
    p99MsByRound: results.map((r) => round(r.p99, 2)),
    non2xx: results.reduce((s, r) => s + r.non2xx, 0),
    errors: results.reduce((s, r) => s + r.errors, 0),
    statusCodes,
    serverCores: round(median(results.map((r) => r.serverCores)), 2),
    generatorCores: round(median(results.map((r) => r.generatorCores)), 2),
    serverGcShare: round(median(results.map((r) => r.serverGcShare)), 3),
    serverMajorGcShare: round(median(results.map((r) => r.serverMajorGcShare)), 3),
    serverLongestGcMs: round(Math.max(...results.map((r) => r.serverLongestGcMs)), 1),
    serverLongestStallMs: round(Math.max(...results.map((r) => r.serverLongestStallMs)), 1),
  };
}

async function measure(target: Target, duration: number): Promise<Measured> {
  const options = { ...(await target.options()), duration };
  const before = await target.server?.call<Usage>('usage');
  const startedAt = performance.now();
  const result = await runLoad(options);
  const wallMs = performance.now() - startedAt;
  const after = await target.server?.call<Usage>('usage');
  if (!before || !after) {
    return { ...result, serverCores: Number.NaN, serverGcShare: Number.NaN, serverMajorGcShare: Number.NaN, serverLongestGcMs: Number.NaN, serverLongestStallMs: Number.NaN };
  }
  return {
    ...result,
    serverCores: (after.cpuMs - before.cpuMs) / wallMs,
    serverGcShare: after.gcMs / wallMs,
    serverMajorGcShare: after.majorGcMs / wallMs,
    serverLongestGcMs: after.longestGcMs,
    serverLongestStallMs: after.longestStallMs,
  };
}

/**
 * The order of round `round`: a balanced Latin square (Williams design). Over as many rounds as
 * there are targets, each target runs once in each position; with an even number of targets, each
 * also runs once right after each other one. With two, A/B then B/A.
 */
export function roundOrder<T>(targets: readonly T[], round: number): T[] {
  const n = targets.length;
  // The first row is 0, 1, n-1, 2, n-2, …; each round shifts it by one.
  return targets.map((_, i) => {
    const first = i % 2 === 1 ? (i + 1) / 2 : (n - i / 2) % n;
    return targets[(first + round) % n] as T;
  });
}

type RoundSettings = { rounds: number; duration: number; warmup: number; log: (line: string) => void };

export async function alternate(targets: Target[], settings: RoundSettings): Promise<Record<string, Summary>> {
  const results = await alternateRuns(targets, settings);
  return Object.fromEntries(Object.entries(results).map(([name, list]) => [name, summarise(list)]));
}

/** alternate's runs, unsummarised: each target's runs in round order, to pool with other runs. */
export async function alternateRuns(targets: Target[], settings: RoundSettings): Promise<Record<string, Measured[]>> {
  const results = new Map<string, Measured[]>(targets.map((t) => [t.name, []]));
  if (settings.warmup > 0) {
    for (const target of targets) await runLoad({ ...(await target.options()), duration: settings.warmup });
  }
  for (let r = 0; r < settings.rounds; r++) {
    const order = roundOrder(targets, r);
    const line: string[] = [];
    for (const target of order) {
      const result = await measure(target, settings.duration);
      results.get(target.name)?.push(result);
      const cpu = `cpu ${Number.isFinite(result.serverCores) ? result.serverCores.toFixed(2) : '?'}/${result.generatorCores.toFixed(2)}`;
      const pauses = Number.isFinite(result.serverGcShare) ? ` gc ${(100 * result.serverGcShare).toFixed(1)}% (major ${(100 * result.serverMajorGcShare).toFixed(1)}%) stall ${Math.round(result.serverLongestStallMs)}ms` : '';
      line.push(`${target.name} ${Math.round(result.rps)}/s p99 ${result.p99.toFixed(2)}ms ${cpu}${pauses}${result.non2xx ? ` (${result.non2xx} non-2xx)` : ''}${result.errors ? ` (${result.errors} errors/timeouts)` : ''}`);
    }
    settings.log(`    round ${r + 1}/${settings.rounds} (cpu server/generator, cores; the server's GC share, its old generation's part, longest stall): ${line.join(' · ')}`);
  }
  return Object.fromEntries(results);
}
