// Counts failed attempts per key (a client id, an email, an address) in a fixed window, so
// guessing a client secret or a password costs an attacker time (RFC 6749 §10.10,
// OWASP ASVS 2.2.1). Successes are never counted. Bounded: the oldest keys are dropped first.

export type FailureLimiter = {
  /** Milliseconds until `key` may try again, or 0 when it may try now. */
  retryAfter(key: string): number;
  /** Failures `key` has in its current window. */
  failures(key: string): number;
  recordFailure(key: string): void;
  reset(key: string): void;
};

export function createFailureLimiter(options: {
  maxFailures: number;
  windowMs: number;
  maxKeys?: number;
  now?: () => number;
}): FailureLimiter {
  const { maxFailures, windowMs } = options;
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  const windows = new Map<string, { start: number; failures: number }>();

  function current(key: string) {
    const window = windows.get(key);
    if (window && now() - window.start >= windowMs) {
      windows.delete(key);
      return undefined;
    }
    return window;
  }

  return {
    retryAfter(key) {
      const window = current(key);
      if (!window || window.failures < maxFailures) return 0;
      return window.start + windowMs - now();
    },
    failures(key) {
      return current(key)?.failures ?? 0;
    },
    recordFailure(key) {
      const window = current(key);
      if (window) {
        window.failures++;
        return;
      }
      if (windows.size >= maxKeys) {
        const oldest = windows.keys().next();
        if (!oldest.done) windows.delete(oldest.value);
      }
      windows.set(key, { start: now(), failures: 1 });
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
