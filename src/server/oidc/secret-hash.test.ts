import { randomBytes, scrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { watchHashJobsPerTest } from '../../test-support/hash-jobs.ts';
import { hashSecret, MAX_CONCURRENT_DERIVATIONS, verifySecret } from './secret-hash.ts';

const watchHashJobs = watchHashJobsPerTest();

const PHC = /^\$argon2id\$v=19\$m=32768,t=3,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/;

/** A hash as the server wrote them before Argon2id: scrypt, N=2^15, r=8, p=1, 32-byte key. */
function legacyScryptHash(secret: string): Promise<string> {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 2 ** 20 }, (error, key) =>
      error ? reject(error) : resolve(['scrypt', 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$')),
    ),
  );
}

describe('hashSecret / verifySecret', () => {
  it('stores an Argon2id PHC string with our parameters and a fresh salt, and verifies only the same secret', async () => {
    const [first, second] = await Promise.all([hashSecret('same-secret-0123456789'), hashSecret('same-secret-0123456789')]);
    expect(first).toMatch(PHC);
    expect(second).toMatch(PHC);
    expect(first).not.toBe(second);
    expect(await verifySecret('same-secret-0123456789', first)).toBe(true);
    expect(await verifySecret('same-secret-0123456789 ', first)).toBe(false);
    expect(await verifySecret('', first)).toBe(false);
  });

  it('treats the NFC and NFD spellings of a secret as the same secret', async () => {
    const stored = await hashSecret('caf\u00e9-secret-0123456789');
    expect(await verifySecret('cafe\u0301-secret-0123456789', stored)).toBe(true);
  });

  it('still verifies the scrypt hashes stored before Argon2id', async () => {
    const legacy = await legacyScryptHash('legacy-secret-0123456789');
    expect(await verifySecret('legacy-secret-0123456789', legacy)).toBe(true);
    expect(await verifySecret('legacy-secret-012345678', legacy)).toBe(false);
  });

  it('never matches a malformed stored hash, nor one whose parameters would cost too much, without hashing', async () => {
    const good = await hashSecret('some-secret-0123456789');
    const [, , , , salt, key] = good.split('$');
    const malformed = [
      '',
      'plaintext-secret',
      good.replace('$argon2id$', '$argon2i$'),
      good.replace('v=19', 'v=16'),
      good.replace('m=32768', 'm=4194304'), // 4 GiB
      good.replace('t=3', 't=100'),
      good.replace('p=1', 'p=0'),
      good.replace('m=32768', 'm=4'), // under 8 KiB a lane
      `$argon2id$v=19$m=32768,t=3,p=1$${salt}$${key?.slice(0, 20)}`, // short tag
      `$argon2id$v=19$m=32768,t=3,p=1$AAAA$${key}`, // 3-byte salt
      `${good}$extra`,
      'scrypt$15$8$1$salt',
      `scrypt$x$8$1$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(32).toString('base64url')}`,
    ];
    const watcher = await watchHashJobs();
    for (const stored of malformed) expect(await verifySecret('some-secret-0123456789', stored), stored).toBe(false);
    expect(watcher.stats().started).toBe(0);
  });
});

// Each derivation holds its 32 MiB while it runs: the server caps how many
// run at once, so a burst of creates with a secret cannot multiply it. The counts come from node.
describe('hash concurrency', () => {
  it(`runs at most ${MAX_CONCURRENT_DERIVATIONS} derivations at once across hashing and verification, and finishes them all`, async () => {
    const known = await hashSecret('known-secret-0123456789');
    const legacy = await legacyScryptHash('legacy-secret-0123456789');
    const watcher = await watchHashJobs();
    const hashes = Array.from({ length: 4 }, (_, i) => hashSecret(`secret-${i}-abcdefghijklmnopqrstuvwxyz`));
    const verifications = [
      verifySecret('known-secret-0123456789', known),
      verifySecret('wrong-secret', known),
      verifySecret('legacy-secret-0123456789', legacy),
    ];
    // The first two start at once; the other five wait without touching the thread pool.
    expect(watcher.stats().inFlight).toBe(MAX_CONCURRENT_DERIVATIONS);

    const [hashed, verified] = await Promise.all([Promise.all(hashes), Promise.all(verifications)]);
    expect(watcher.stats()).toMatchObject({ peak: MAX_CONCURRENT_DERIVATIONS, started: 7, inFlight: 0 });
    expect(verified).toEqual([true, false, true]);
    expect(new Set(hashed).size).toBe(4);
    expect(await verifySecret('secret-3-abcdefghijklmnopqrstuvwxyz', hashed[3] as string)).toBe(true);
  });

  it('gives the slot back when a derivation fails, so later ones still run', async () => {
    // A legacy stored hash whose parameters node refuses (N = 2^40): verification throws instead of hashing.
    const refused = `scrypt$40$8$1$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(32).toString('base64url')}`;
    const failures = await Promise.allSettled(Array.from({ length: MAX_CONCURRENT_DERIVATIONS + 1 }, () => verifySecret('x', refused)));
    expect(failures.every((result) => result.status === 'rejected')).toBe(true);

    const watcher = await watchHashJobs();
    const stored = await Promise.all(Array.from({ length: MAX_CONCURRENT_DERIVATIONS + 1 }, (_, i) => hashSecret(`after-failure-${i}`)));
    expect(await verifySecret('after-failure-0', stored[0] as string)).toBe(true);
    expect(watcher.stats().peak).toBe(MAX_CONCURRENT_DERIVATIONS);
  });
});
