// How long and how hard the bench runs. `npm run bench` uses FULL (≤ 10 minutes in all on the
// 2-core machine); `npm run bench -- --quick` is a smoke run of every step in about two minutes.

export type BenchSettings = {
  isQuick: boolean;
  /** Rounds per A/B comparison (the reported figure is the median). */
  rounds: number;
  /** Seconds per load run. */
  duration: number;
  /** Seconds of warm-up per target before its first round. */
  warmup: number;
  /**
   * The token endpoint's warm-up per target: both servers' token throughput still rose by a third
   * over the 20 s after a 2 s warm-up (370 → 500/s raw, 330 → 470/s ours), JIT and heap settling
   * in oidc-provider, jose and Koa, so the first rounds compared servers still warming up.
   */
  tokenWarmup: number;
  /**
   * The token endpoint's rounds and their length. Its ratio sits within a few hundredths of its
   * target while a round's ratio swings by ±4–6 % with the host, so it gets more rounds, and
   * shorter ones, which keep the two targets of a round closer together. Two servers of the same
   * build run as A and B (docs/performance.md, Load): resampled from their rounds, the median of 5
   * four-second rounds has a standard deviation of 3.0 %, the median of 10 two-second rounds one
   * of 1.5 %.
   * Not more: tokenWarmup + tokenRounds × tokenDuration is how long the product server serves
   * tokens before it serves the FHIR comparison, and it serves fewer reads there the longer that
   * is; keep it at the 30 s it has been since the FHIR figures were first taken. A second pair of
   * processes, started for it only, runs the same warm-up and rounds at the end of the bench
   * (sections/token.ts).
   */
  tokenRounds: number;
  tokenDuration: number;
  writeRounds: number;
  writeDuration: number;
  /** Seconds per run of creates with a secret: the slow hash allows only a few per second. */
  secretWriteDuration: number;
  /** Client counts for the latency curve; the last one is where the FHIR API is compared. */
  sizes: number[];
  curveRounds: number;
  curveDuration: number;
  /** Console timings: samples per figure. */
  consoleSamples: number;
  log: (line: string) => void;
};

export function benchSettings(isQuick: boolean, log: (line: string) => void): BenchSettings {
  return isQuick
    ? { isQuick, rounds: 2, duration: 1, warmup: 0.5, tokenWarmup: 1, tokenRounds: 2, tokenDuration: 1, writeRounds: 1, writeDuration: 1, secretWriteDuration: 2, sizes: [1_000, 5_000], curveRounds: 1, curveDuration: 1, consoleSamples: 2, log }
    : { isQuick, rounds: 5, duration: 4, warmup: 2, tokenWarmup: 10, tokenRounds: 10, tokenDuration: 2, writeRounds: 3, writeDuration: 3, secretWriteDuration: 5, sizes: [1_000, 10_000, 100_000], curveRounds: 3, curveDuration: 2, consoleSamples: 5, log };
}
