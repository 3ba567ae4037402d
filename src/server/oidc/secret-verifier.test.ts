import { describe, expect, it } from 'vitest';
import { watchHashJobsPerTest } from '../../test-support/hash-jobs.ts';
import { createFailureLimiter } from './failure-limiter.ts';
import { hashSecret } from './secret-hash.ts';
import { createSecretVerifier } from './secret-verifier.ts';

describe('createSecretVerifier', () => {
  const watchHashJobs = watchHashJobsPerTest();

  it('verifies against the stored hash once, then answers the same secret from its cache', async () => {
    const verifier = createSecretVerifier();
    const hash = await hashSecret('s3cret-value-of-enough-length');
    const jobs = await watchHashJobs();
    expect(await verifier.verify('c1', 's3cret-value-of-enough-length', hash)).toBe('valid');
    expect(jobs.stats().started).toBe(1);
    for (let i = 0; i < 20; i++) expect(await verifier.verify('c1', 's3cret-value-of-enough-length', hash)).toBe('valid');
    expect(jobs.stats().started).toBe(1);
    expect(await verifier.verify('c1', 'wrong', hash)).toBe('invalid');
    expect(jobs.stats().started).toBe(2);
  });

  it('hashes a secret once however many requests present it at once, and counts one failure for one guess', async () => {
    const verifier = createSecretVerifier({ maxFailures: 2 });
    const hash = await hashSecret('s3cret-value-of-enough-length');
    const jobs = await watchHashJobs();
    const all = (n: number, secret: string) => Promise.all(Array.from({ length: n }, () => verifier.verify('c1', secret, hash)));
    expect(new Set(await all(50, 's3cret-value-of-enough-length'))).toEqual(new Set(['valid']));
    expect(jobs.stats().started).toBe(1);
    expect(new Set(await all(20, 'wrong-1'))).toEqual(new Set(['invalid']));
    expect(jobs.stats().started).toBe(2);
    // Twenty copies of one guess were one failure: the client has one left.
    expect(await verifier.verify('c1', 'wrong-2', hash)).toBe('invalid');
    expect(await verifier.verify('c1', 'wrong-3', hash)).toBe('rate-limited');
  });

  it('counts the hashes in flight against the limit, so guesses sent together cannot outrun it', async () => {
    const verifier = createSecretVerifier({ maxFailures: 3 });
    const hash = await hashSecret('right-secret-0123456789');
    const jobs = await watchHashJobs();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => verifier.verify('c1', `wrong-${i}`, hash)));
    expect(results).toEqual(['invalid', 'invalid', 'invalid', 'rate-limited', 'rate-limited', 'rate-limited', 'rate-limited', 'rate-limited']);
    expect(jobs.stats().started).toBe(3);
    expect(verifier.retryAfterMs('c1')).toBeGreaterThan(0);
    expect(await verifier.verify('c2', 'right-secret-0123456789', hash)).toBe('valid');
  });

  it('never lets a cached success answer for another stored hash (rotation)', async () => {
    const verifier = createSecretVerifier();
    const old = await hashSecret('old-secret-0123456789');
    expect(await verifier.verify('c1', 'old-secret-0123456789', old)).toBe('valid');
    const rotated = await hashSecret('new-secret-0123456789');
    expect(await verifier.verify('c1', 'old-secret-0123456789', rotated)).toBe('invalid');
  });

  it('rate-limits failures per client, the right secret included, and only that client', async () => {
    const verifier = createSecretVerifier({ maxFailures: 2 });
    const hash = await hashSecret('right-secret-0123456789');
    expect(await verifier.verify('c1', 'wrong-1', hash)).toBe('invalid');
    expect(await verifier.verify('c1', 'wrong-2', hash)).toBe('invalid');
    expect(await verifier.verify('c1', 'right-secret-0123456789', hash)).toBe('rate-limited');
    expect(await verifier.verify('c2', 'right-secret-0123456789', hash)).toBe('valid');
    verifier.forgetClient('c1');
    expect(await verifier.verify('c1', 'right-secret-0123456789', hash)).toBe('valid');
  });
});

describe('createFailureLimiter', () => {
  it('opens again when the window has passed', () => {
    let now = 0;
    const limiter = createFailureLimiter({ maxFailures: 1, windowMs: 1000, now: () => now });
    limiter.recordFailure('k');
    expect(limiter.retryAfter('k')).toBe(1000);
    now = 999;
    expect(limiter.retryAfter('k')).toBe(1);
    now = 1000;
    expect(limiter.retryAfter('k')).toBe(0);
  });

  it('stays bounded, dropping the oldest key first', () => {
    const limiter = createFailureLimiter({ maxFailures: 1, windowMs: 1000, maxKeys: 2, now: () => 0 });
    limiter.recordFailure('a');
    limiter.recordFailure('b');
    limiter.recordFailure('c');
    expect(limiter.retryAfter('a')).toBe(0);
    expect(limiter.retryAfter('c')).toBe(1000);
  });
});
