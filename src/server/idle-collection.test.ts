import { describe, expect, it } from 'vitest';
import {
  CHECK_EVERY_MS,
  COLLECT_AFTER_MS,
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

/** Runs one sample per CHECK_EVERY_MS through nextIdleStep; returns the steps taken and when (ms). */
function run(utilizations: number[], from: IdleState = INITIAL_IDLE_STATE) {
  let state = from;
  const steps: { atMs: number; step: IdleStep }[] = [];
  utilizations.forEach((utilization, i) => {
    const next = nextIdleStep(state, CHECK_EVERY_MS, utilization);
    state = next.state;
    if (next.step !== 'none') steps.push({ atMs: (i + 1) * CHECK_EVERY_MS, step: next.step });
  });
  return { steps, state };
}

const quietFor = (ms: number) => Array<number>(ms / CHECK_EVERY_MS).fill(QUIET);

describe('idle collection', () => {
  it('collects nothing on a server that has not worked', () => {
    expect(run(quietFor(60_000)).steps).toEqual([]);
  });

  it('after work: a minor collection once the loop has been quiet 1 s, a full one at 6 s, then nothing while it stays quiet', () => {
    const { steps } = run([BUSY, BUSY, ...quietFor(60_000)]);
    expect(steps).toEqual([
      { atMs: 2 * CHECK_EVERY_MS + SETTLE_AFTER_MS, step: 'minor' },
      { atMs: 2 * CHECK_EVERY_MS + COLLECT_AFTER_MS, step: 'major' },
    ]);
  });

  it('never collects while the loop keeps working', () => {
    expect(run(Array<number>(60).fill(BUSY)).steps).toEqual([]);
  });

  it('work that resumes before the full collection starts the quiet spell over', () => {
    const { steps } = run([BUSY, ...quietFor(3_000), BUSY, ...quietFor(COLLECT_AFTER_MS)]);
    expect(steps).toEqual([
      { atMs: CHECK_EVERY_MS + SETTLE_AFTER_MS, step: 'minor' },
      { atMs: 5 * CHECK_EVERY_MS + SETTLE_AFTER_MS, step: 'minor' },
      { atMs: 5 * CHECK_EVERY_MS + COLLECT_AFTER_MS, step: 'major' },
    ]);
  });

  it('each burst of work gets its own collection', () => {
    const burst = [BUSY, ...quietFor(COLLECT_AFTER_MS)];
    expect(run([...burst, ...burst]).steps.map((s) => s.step)).toEqual(['minor', 'major', 'minor', 'major']);
  });

  it('counts a loop busy from QUIET_UTILIZATION of the interval on', () => {
    expect(nextIdleStep(INITIAL_IDLE_STATE, CHECK_EVERY_MS, QUIET_UTILIZATION).state.isArmed).toBe(true);
    expect(nextIdleStep(INITIAL_IDLE_STATE, CHECK_EVERY_MS, QUIET_UTILIZATION * 0.99).state.isArmed).toBe(false);
  });

  it('a late timer that spans the whole quiet spell still collects in full', () => {
    const armed = nextIdleStep(INITIAL_IDLE_STATE, CHECK_EVERY_MS, BUSY).state;
    expect(nextIdleStep(armed, COLLECT_AFTER_MS, QUIET).step).toBe('major');
  });

  it('does not start where node runs without --expose-gc', () => {
    expect(startIdleCollection(() => {}, undefined)).toBeUndefined();
  });
});
