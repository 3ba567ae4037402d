import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import v8 from 'node:v8';

// Hands back the memory a burst of requests leaves resident, once the server goes quiet.
//
// Under load V8 grows its young generation to 2 × 16 MB, and it shrinks it again only in a
// collection that runs while the allocation rate of the last 5 s is low. A server that goes quiet
// after a burst allocates next to nothing, so no collection comes, and the 32 MB stay resident for
// as long as it stays quiet: V8's memory reducer, which would run one, wakes only after a full
// collection that finds the heap at least 10 MB larger than when the reducer last ran. A browser
// tells V8 when it is idle and V8 collects then; Node does not. So the server does, where V8 lets
// it (`--expose-gc`, one of `npm start`'s node flags; without it nothing runs):
//
// 1. one second after the event loop goes quiet, a minor collection, which closes V8's record of
//    the burst's allocations;
// 2. six seconds after that, the loop still quiet, a second minor collection: V8 sees at least
//    five seconds of almost no allocation and shrinks the young generation to its minimum.
//
// Then nothing more until the loop has been busy again. Both are minor collections (1–16 ms). A
// full one would also return the old generation's garbage, about 8 MB more, but it deoptimises
// the server's hot code: V8 drops optimised code that holds objects the quiet spell let die
// ("weak objects", `--trace-deopt`), 100–140 functions of Node's HTTP stack, Fastify, Koa and
// oidc-provider after a token load, and the next burst compiles them again on the main thread
// (`--no-concurrent-recompilation`, scripts/build-server.mjs): in eleven of twelve such bursts
// its first 2 s ran at 30–70 % of the speed it had before. docs/performance.md, "Memory", has
// the measurements.

/** How often the event loop's utilisation is sampled. */
export const CHECK_EVERY_MS = 1_000;
/** Below this share of an interval spent working, the event loop counts as quiet. */
export const QUIET_UTILIZATION = 0.02;
/** Quiet this long after being busy: the first collection. */
export const SETTLE_AFTER_MS = 1_000;
/**
 * Quiet this long after the first collection: the second, which shrinks the young generation. V8
 * shrinks it when it allocated under 1 kB a millisecond over the 5 s before a collection; a
 * collection 4.0 s after the first one left it as it was (`--trace-gc`). A second to spare, since
 * an interval that follows a collection is shorter than CHECK_EVERY_MS by the collection's time.
 */
export const SHRINK_AFTER_SETTLE_MS = 6_000;
/** Quiet this long after work, both collections have run (give or take an interval). */
export const COLLECTED_AFTER_QUIET_MS = SETTLE_AFTER_MS + SHRINK_AFTER_SETTLE_MS;

export type IdleState = {
  /**
   * `busy`: the loop worked since the last shrinking collection, and no collection has run since;
   * `settled`: the first collection ran; `idle`: the second one ran, or the loop has not worked.
   */
  stage: 'busy' | 'settled' | 'idle';
  /** How long the loop has been quiet in this stage. */
  quietMs: number;
};

export type IdleStep = 'none' | 'settle' | 'shrink';

export const INITIAL_IDLE_STATE: IdleState = { stage: 'idle', quietMs: 0 };

/** What to do after an interval of `elapsedMs` in which the event loop worked `utilization` of the time. */
export function nextIdleStep(state: IdleState, elapsedMs: number, utilization: number): { state: IdleState; step: IdleStep } {
  if (utilization >= QUIET_UTILIZATION) return { state: { stage: 'busy', quietMs: 0 }, step: 'none' };
  const quietMs = state.quietMs + elapsedMs;
  if (state.stage === 'busy' && quietMs >= SETTLE_AFTER_MS) return { state: { stage: 'settled', quietMs: 0 }, step: 'settle' };
  if (state.stage === 'settled' && quietMs >= SHRINK_AFTER_SETTLE_MS) return { state: { stage: 'idle', quietMs: 0 }, step: 'shrink' };
  return { state: { stage: state.stage, quietMs }, step: 'none' };
}

export type IdleCollection = {
  step: Exclude<IdleStep, 'none'>;
  ms: number;
  youngMbBefore: number;
  youngMbAfter: number;
  heapMbBefore: number;
  heapMbAfter: number;
};

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** What V8 has committed for its young generation, in bytes: the part of the heap a load grows and a quiet spell shrinks. */
export function youngGenerationBytes(): number {
  let bytes = 0;
  for (const space of v8.getHeapSpaceStatistics()) {
    if (space.space_name === 'new_space' || space.space_name === 'new_large_object_space') bytes += space.space_size;
  }
  return bytes;
}

/**
 * Starts the idle collection with V8's `gc` (globalThis.gc, there with --expose-gc); returns its
 * stop function, or undefined without `gc`. `onCollected` hears of each collection.
 */
export function startIdleCollection(onCollected: (collection: IdleCollection) => void, gc: NodeJS.GCFunction | undefined): (() => void) | undefined {
  if (typeof gc !== 'function') return undefined;
  let state = INITIAL_IDLE_STATE;
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  let lastAt = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const { utilization } = performance.eventLoopUtilization(last);
    const next = nextIdleStep(state, now - lastAt, utilization);
    state = next.state;
    if (next.step !== 'none') {
      const youngBefore = youngGenerationBytes();
      const heapBefore = process.memoryUsage().heapTotal;
      const started = performance.now();
      // gc(true): a minor collection, for both steps (why not a full one: above).
      gc(true);
      onCollected({
        step: next.step,
        ms: Math.round((performance.now() - started) * 10) / 10,
        youngMbBefore: mb(youngBefore),
        youngMbAfter: mb(youngGenerationBytes()),
        heapMbBefore: mb(heapBefore),
        heapMbAfter: mb(process.memoryUsage().heapTotal),
      });
    }
    // After the collection: its own work does not count as the loop being busy.
    last = performance.eventLoopUtilization();
    lastAt = performance.now();
  }, CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
