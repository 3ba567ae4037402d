import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Client secrets and admin passwords are stored only as salted scrypt hashes (SPEC §4).
// scrypt (RFC 7914) is memory-hard; N=2^15, r=8, p=1 costs ~32 MiB and tens of milliseconds,
// which is why the token endpoint caches successful verifications instead of lowering the cost.
// Format: scrypt$<log2 N>$<r>$<p>$<salt b64url>$<hash b64url>, so parameters can be raised later
// without invalidating existing hashes.

const LOG2_N = 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/**
 * How many scrypt derivations run at once; the others wait their turn, first come first served.
 * Each one holds 128 * N * r bytes (32 MiB here) until it finishes, and libuv would otherwise run
 * four at a time (its thread pool, which file reads share): ten concurrent creates with a secret
 * then held 128 MiB at once. Two still use two cores, and since the work is CPU-bound, a queue of
 * hashes finishes no later on one or two cores than it would four at a time.
 */
export const MAX_CONCURRENT_DERIVATIONS = 2;

let running = 0;
const waiting: (() => void)[] = [];

async function withDerivationSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running < MAX_CONCURRENT_DERIVATIONS) running++;
  // A finishing derivation hands its slot straight to the next waiter (running stays the same).
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function derive(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return withDerivationSlot(
    () =>
      new Promise((resolve, reject) => {
        scrypt(secret.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
          error ? reject(error) : resolve(key),
        );
      }),
  );
}

function scryptOptions(log2N: number, r: number, p: number): ScryptOptions {
  // maxmem must exceed 128 * N * r bytes or node refuses the parameters.
  return { N: 2 ** log2N, r, p, maxmem: 256 * 2 ** log2N * r + 1024 * 1024 };
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(secret, salt, scryptOptions(LOG2_N, R, P));
  return ['scrypt', LOG2_N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison of a presented secret with a stored hash. Malformed hashes never match. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, log2N, r, p, saltText, keyText] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyText, 'base64url');
  const params = [Number(log2N), Number(r), Number(p)] as const;
  if (!params.every((n) => Number.isInteger(n) && n > 0) || expected.length !== KEY_LENGTH) return false;
  const actual = await derive(secret, Buffer.from(saltText, 'base64url'), scryptOptions(...params));
  return timingSafeEqual(actual, expected);
}
