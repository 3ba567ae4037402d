import { describe, expect, it } from 'vitest';
import {
  CHECK_EVERY_MS,
  SHRINK_AFTER_SETTLE_MS,
  INITIAL_IDLE_STATE,
  nextIdleStep,
  QUIET_UTILIZATION,
  SETTLE_AFTER_MS,
  startIdleCollection,
  type IdleState,
  type IdleStep,
} from './idle-collection.ts';

// When the server collects on its own: once per quiet spell that follows work, never while it
// works, never twice for the same spell. The collection itself, in the real server process as
// npm start runs it, is tested in main.test.ts.

const BUSY = 0.5;
const QUIET = 0.001;

/** Runs samples of `everyMs` through nextIdleStep; returns the steps taken and when (ms). */
function run(utilizations: number[], everyMs = CHECK_EVERY_MS, from: IdleState = INITIAL_IDLE_STATE) {
  let state = from;
  const steps: { atMs: number; step: IdleStep }[] = [];
  utilizations.forEach((utilization, i) => {
    const next = nextIdleStep(state, everyMs, utilization);
    state = next.state;
    if (next.step !== 'none') steps.push({ atMs: (i + 1) * everyMs, step: next.step });
  });
  return { steps, state };
}

const quietFor = (ms: number, everyMs = CHECK_EVERY_MS) => Array<number>(Math.ceil(ms / everyMs)).fill(QUIET);

describe('idle collection', () => {
  it('collects nothing on a server that has not worked', () => {
    expect(run(quietFor(60_000)).steps).toEqual([]);
  });

  it('after work: a collection once the loop has been quiet 1 s, a second one 6 s after that, then nothing while it stays quiet', () => {
    const { steps } = run([BUSY, BUSY, ...quietFor(60_000)]);
    expect(steps).toEqual([
      { atMs: 2 * CHECK_EVERY_MS + SETTLE_AFTER_MS, step: 'settle' },
      { atMs: 2 * CHECK_EVERY_MS + SETTLE_AFTER_MS + SHRINK_AFTER_SETTLE_MS, step: 'shrink' },
    ]);
  });

  it('leaves V8 more than 5 s of quiet between the two collections, when intervals run short', () => {
    // An interval after a collection is short by the collection's time.
    const { steps } = run([BUSY, ...quietFor(20_000, 990)], 990);
    expect(steps.map((s) => s.step)).toEqual(['settle', 'shrink']);
    const [settle, shrink] = steps.map((s) => s.atMs) as [number, number];
    expect(shrink - settle).toBeGreaterThan(5_000);
  });

  it('never collects while the loop keeps working', () => {
    expect(run(Array<number>(60).fill(BUSY)).steps).toEqual([]);
  });

  it('work that resumes before the second collection starts the quiet spell over', () => {
    const { steps } = run([BUSY, ...quietFor(3_000), BUSY, ...quietFor(SETTLE_AFTER_MS + SHRINK_AFTER_SETTLE_MS)]);
    expect(steps).toEqual([
      { atMs: CHECK_EVERY_MS + SETTLE_AFTER_MS, step: 'settle' },
      { atMs: 5 * CHECK_EVERY_MS + SETTLE_AFTER_MS, step: 'settle' },
      { atMs: 5 * CHECK_EVERY_MS + SETTLE_AFTER_MS + SHRINK_AFTER_SETTLE_MS, step: 'shrink' },
    ]);
  });

  it('each burst of work gets its own collections', () => {
    const burst = [BUSY, ...quietFor(SETTLE_AFTER_MS + SHRINK_AFTER_SETTLE_MS)];
    expect(run([...burst, ...burst]).steps.map((s) => s.step)).toEqual(['settle', 'shrink', 'settle', 'shrink']);
  });

  it('counts a loop busy from QUIET_UTILIZATION of the interval on', () => {
    expect(nextIdleStep(INITIAL_IDLE_STATE, CHECK_EVERY_MS, QUIET_UTILIZATION).state.stage).toBe('busy');
    expect(nextIdleStep(INITIAL_IDLE_STATE, CHECK_EVERY_MS, QUIET_UTILIZATION * 0.99).state.stage).toBe('idle');
  });

  it('does not start where node runs without --expose-gc', () => {
    expect(startIdleCollection(() => {}, undefined)).toBeUndefined();
  });
});
