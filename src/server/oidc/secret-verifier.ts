import { hash } from 'node:crypto';
import { createFailureLimiter } from './failure-limiter.ts';
import { verifySecret } from './secret-hash.ts';

// Verifies client secrets against their stored hash (SPEC §4, secret-hash.ts). The hash costs
// tens of milliseconds by design, so successful verifications are remembered in memory, keyed by
// a digest of client id + presented secret + stored hash: a rotated secret (new hash) can never
// hit an old entry, and the cache never holds a secret in the clear. Failures are not cached
// and are rate-limited per client, so the slow hash cannot be turned into a guessing oracle.

export type SecretCheck = 'valid' | 'invalid' | 'rate-limited';

export type SecretVerifier = {
  verify(clientId: string, presented: string, storedHash: string): Promise<SecretCheck>;
  /** Drops every cached success of a client (deleted, or its secret changed). */
  forgetClient(clientId: string): void;
  /** Milliseconds until a rate-limited client may try again (0 when it may try now), for Retry-After. */
  retryAfterMs(clientId: string): number;
};

const MAX_ENTRIES = 10_000;

export function createSecretVerifier(options: { maxFailures?: number; windowMs?: number } = {}): SecretVerifier {
  // Insertion order doubles as recency: a hit is re-inserted, the first key is the oldest.
  const successes = new Map<string, string>();
  const failures = createFailureLimiter({ maxFailures: options.maxFailures ?? 10, windowMs: options.windowMs ?? 60_000 });

  // One-shot hash: it runs on every token request, and a Hash object costs three times as much.
  const digest = (clientId: string, presented: string, storedHash: string) =>
    hash('sha256', `${clientId}\0${presented}\0${storedHash}`, 'base64url');

  return {
    async verify(clientId, presented, storedHash) {
      const key = digest(clientId, presented, storedHash);
      if (successes.has(key)) {
        successes.delete(key);
        successes.set(key, clientId);
        return 'valid';
      }
      if (failures.retryAfter(clientId) > 0) return 'rate-limited';
      if (!(await verifySecret(presented, storedHash))) {
        failures.recordFailure(clientId);
        return 'invalid';
      }
      if (successes.size >= MAX_ENTRIES) {
        const oldest = successes.keys().next();
        if (!oldest.done) successes.delete(oldest.value);
      }
      successes.set(key, clientId);
      return 'valid';
    },
    forgetClient(clientId) {
      for (const [key, owner] of successes) if (owner === clientId) successes.delete(key);
      failures.reset(clientId);
    },
    retryAfterMs(clientId) {
      return failures.retryAfter(clientId);
    },
  };
}
