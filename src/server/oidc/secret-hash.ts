import { hashRaw, type Algorithm, type Options as Argon2Options } from '@node-rs/argon2';
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Client secrets and admin passwords are stored only as salted, memory-hard hashes (SPEC §4).
//
// New hashes are Argon2id (RFC 9106), in the PHC string format other tools read:
//   $argon2id$v=19$m=32768,t=3,p=1$<salt, base64 unpadded>$<hash, base64 unpadded>
// 32 MiB, three passes, one lane, a 128-bit salt and a 256-bit tag: above OWASP's minimum for
// Argon2id (19 MiB, two passes) on both counts, and the same memory as the scrypt it replaced.
// Hashes written before (scrypt$<log2 N>$<r>$<p>$<salt b64url>$<hash b64url>, N=2^15, r=8, p=1)
// still verify. Argon2id here takes 25–80 ms where scrypt took 160–260 ms, in OpenSSL's portable
// code, for the same memory (docs/performance.md). Either is slow on purpose, which is why the
// token endpoint caches successful verifications instead of lowering the cost.

/** Argon2id (RFC 9106's type 2), spelled out because the binding declares it as a const enum. */
const ARGON2ID = 2 as Algorithm;
/** Every hash this module writes starts so: the algorithm and its version, 0x13 (RFC 9106). */
const PHC_PREFIX = '$argon2id$v=19$';
const MEMORY_KIB = 32_768;
const PASSES = 3;
const LANES = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/**
 * Bounds on the parameters a stored hash may ask for: a row is trusted data, but a corrupt or
 * altered one must not make verification allocate gigabytes. Twice today's memory and passes
 * leaves room to raise the parameters later without invalidating what is stored.
 */
const MAX_MEMORY_KIB = 2 * MEMORY_KIB;
const MAX_PASSES = 2 * PASSES;
const MAX_LANES = 16;
const MIN_SALT_LENGTH = 8; // RFC 9106 §3.1

/**
 * How many derivations run at once; the others wait their turn, first come first served. Each one
 * holds 32 MiB until it finishes (Argon2id's memory, or a legacy scrypt hash's 128 * N * r bytes),
 * and libuv would otherwise run four at a time (its thread pool, which file reads share): ten
 * concurrent creates with a secret then held 128 MiB at once. Two still use two cores, and since
 * the work is CPU-bound, a queue of hashes finishes no later on one or two cores than it would
 * four at a time.
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

interface Argon2Parameters {
  memoryKib: number;
  passes: number;
  lanes: number;
}

function deriveArgon2id(secret: string, salt: Buffer, { memoryKib, passes, lanes }: Argon2Parameters): Promise<Buffer> {
  const options: Argon2Options = {
    algorithm: ARGON2ID,
    memoryCost: memoryKib,
    timeCost: passes,
    parallelism: lanes,
    outputLen: KEY_LENGTH,
    salt,
  };
  return withDerivationSlot(() => hashRaw(secret.normalize('NFC'), options));
}

function deriveScrypt(secret: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  // maxmem must exceed 128 * N * r bytes or node refuses the parameters.
  const options: ScryptOptions = { N: 2 ** log2N, r, p, maxmem: 256 * 2 ** log2N * r + 1024 * 1024 };
  return withDerivationSlot(
    () =>
      new Promise((resolve, reject) => {
        scrypt(secret.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
      }),
  );
}

const unpadded = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await deriveArgon2id(secret, salt, { memoryKib: MEMORY_KIB, passes: PASSES, lanes: LANES });
  return `${PHC_PREFIX}m=${MEMORY_KIB},t=${PASSES},p=${LANES}$${unpadded(salt)}$${unpadded(key)}`;
}

/** What follows PHC_PREFIX: the parameters, the salt and the tag. */
const ARGON2ID_PHC_REST = /^m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Constant-time comparison of a presented secret with a stored hash. Malformed hashes never match. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const argon2 = stored.startsWith(PHC_PREFIX) ? ARGON2ID_PHC_REST.exec(stored.slice(PHC_PREFIX.length)) : null;
  if (argon2) {
    const [, memory, passes, lanes, saltText, keyText] = argon2 as unknown as [string, string, string, string, string, string];
    const parameters = { memoryKib: Number(memory), passes: Number(passes), lanes: Number(lanes) };
    const salt = Buffer.from(saltText, 'base64');
    const expected = Buffer.from(keyText, 'base64');
    const isSane =
      parameters.lanes >= 1 &&
      parameters.lanes <= MAX_LANES &&
      parameters.memoryKib >= 8 * parameters.lanes && // RFC 9106 §3.1
      parameters.memoryKib <= MAX_MEMORY_KIB &&
      parameters.passes >= 1 &&
      parameters.passes <= MAX_PASSES &&
      salt.length >= MIN_SALT_LENGTH &&
      expected.length === KEY_LENGTH;
    if (!isSane) return false;
    return timingSafeEqual(await deriveArgon2id(secret, salt, parameters), expected);
  }

  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, log2N, r, p, saltText, keyText] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyText, 'base64url');
  const params = [Number(log2N), Number(r), Number(p)] as const;
  if (!params.every((n) => Number.isInteger(n) && n > 0) || expected.length !== KEY_LENGTH) return false;
  return timingSafeEqual(await deriveScrypt(secret, Buffer.from(saltText, 'base64url'), ...params), expected);
}
