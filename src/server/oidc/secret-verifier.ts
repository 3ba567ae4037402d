import { hash } from 'node:crypto';
import { createFailureLimiter } from './failure-limiter.ts';
import { verifySecret } from './secret-hash.ts';

// Verifies client secrets against their stored hash (SPEC §4, secret-hash.ts). The hash costs
// tens of milliseconds by design, so successful verifications are remembered in memory, keyed by
// a digest of client id + presented secret + stored hash: a rotated secret (new hash) can never
// hit an old entry, and the cache never holds a secret in the clear. Failures are not cached
// and are rate-limited per client, so the slow hash cannot be turned into a guessing oracle.
//
// A cache miss is verified once however many requests present it at once: concurrent requests
// with the same key wait for the one hash in flight (a restarted server's clients reconnecting
// all together, 300 token requests in one burst, cost one hash, not 300 queued behind each other
// for two seconds). Requests with different secrets for one client cannot outrun the limit by
// arriving together either: each hash in flight counts as a failure until it settles, so a
// client never has more guesses under way than its limit leaves it.

export type SecretCheck = 'valid' | 'invalid' | 'rate-limited';

export type SecretVerifier = {
  verify(clientId: string, presented: string, storedHash: string): Promise<SecretCheck>;
  /** Drops every cached success of a client (deleted, or its secret changed). */
  forgetClient(clientId: string): void;
  /**
   * Milliseconds until a rate-limited client may try again, for Retry-After: 0 when it may try
   * now, or when only its own hashes in flight hold it back (they settle within the second).
   */
  retryAfterMs(clientId: string): number;
};

const MAX_ENTRIES = 10_000;

export function createSecretVerifier(options: { maxFailures?: number; windowMs?: number } = {}): SecretVerifier {
  // Insertion order doubles as recency: a hit is re-inserted, the first key is the oldest.
  const successes = new Map<string, string>();
  const maxFailures = options.maxFailures ?? 10;
  const failures = createFailureLimiter({ maxFailures, windowMs: options.windowMs ?? 60_000 });
  /** The hash in flight for each key, and how many a client has in flight. */
  const inFlight = new Map<string, Promise<boolean>>();
  const inFlightByClient = new Map<string, number>();

  function remember(key: string, clientId: string) {
    if (successes.size >= MAX_ENTRIES) {
      const oldest = successes.keys().next();
      if (!oldest.done) successes.delete(oldest.value);
    }
    successes.set(key, clientId);
  }

  /** One hash for `key`; its outcome is recorded once, before anyone waiting on it resumes. */
  async function check(key: string, clientId: string, presented: string, storedHash: string) {
    inFlightByClient.set(clientId, (inFlightByClient.get(clientId) ?? 0) + 1);
    try {
      const isValid = await verifySecret(presented, storedHash);
      if (isValid) remember(key, clientId);
      else failures.recordFailure(clientId);
      return isValid;
    } finally {
      inFlight.delete(key);
      const left = (inFlightByClient.get(clientId) ?? 1) - 1;
      if (left > 0) inFlightByClient.set(clientId, left);
      else inFlightByClient.delete(clientId);
    }
  }

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
      let pending = inFlight.get(key);
      if (!pending) {
        if (failures.failures(clientId) + (inFlightByClient.get(clientId) ?? 0) >= maxFailures) return 'rate-limited';
        pending = check(key, clientId, presented, storedHash);
        inFlight.set(key, pending);
      }
      return (await pending) ? 'valid' : 'invalid';
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
