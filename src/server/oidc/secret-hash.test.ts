import { afterEach, describe, expect, it } from 'vitest';
import { watchScryptJobs } from '../../test-support/scrypt-jobs.ts';
import { hashSecret, MAX_CONCURRENT_DERIVATIONS, verifySecret } from './secret-hash.ts';

// Each scrypt derivation holds 32 MiB while it runs: the server caps how many run at once, so a
// burst of creates with a secret cannot multiply its memory. The counts come from node itself.

let watcher: ReturnType<typeof watchScryptJobs> | undefined;
afterEach(() => watcher?.stop());

describe('scrypt concurrency', () => {
  it(`runs at most ${MAX_CONCURRENT_DERIVATIONS} derivations at once across hashing and verification, and finishes them all`, async () => {
    const known = await hashSecret('known-secret-0123456789');
    watcher = watchScryptJobs();
    const hashes = Array.from({ length: 6 }, (_, i) => hashSecret(`secret-${i}-abcdefghijklmnopqrstuvwxyz`));
    const verifications = [
      verifySecret('known-secret-0123456789', known),
      verifySecret('wrong-secret', known),
      verifySecret('known-secret-0123456789', known),
    ];
    // The first two start at once; the other seven wait without touching the thread pool.
    expect(watcher.stats().inFlight).toBe(MAX_CONCURRENT_DERIVATIONS);

    const [hashed, verified] = await Promise.all([Promise.all(hashes), Promise.all(verifications)]);
    expect(watcher.stats()).toMatchObject({ peak: MAX_CONCURRENT_DERIVATIONS, started: 9 });
    expect(verified).toEqual([true, false, true]);
    expect(new Set(hashed).size).toBe(6);
    expect(await verifySecret('secret-5-abcdefghijklmnopqrstuvwxyz', hashed[5] as string)).toBe(true);
  });

  it('gives the slot back when a derivation fails, so later ones still run', async () => {
    // A stored hash whose parameters node refuses (N = 2^40): verification throws instead of hashing.
    const refused = `scrypt$40$8$1$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(32).toString('base64url')}`;
    const failures = await Promise.allSettled(Array.from({ length: MAX_CONCURRENT_DERIVATIONS + 1 }, () => verifySecret('x', refused)));
    expect(failures.every((result) => result.status === 'rejected')).toBe(true);

    watcher = watchScryptJobs();
    const stored = await Promise.all(Array.from({ length: MAX_CONCURRENT_DERIVATIONS + 1 }, (_, i) => hashSecret(`after-failure-${i}`)));
    expect(await verifySecret('after-failure-0', stored[0] as string)).toBe(true);
    expect(watcher.stats().peak).toBe(MAX_CONCURRENT_DERIVATIONS);
  });
});
