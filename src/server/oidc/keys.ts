import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Db } from '../store/database.ts';

// The provider's signing keys and cookie keys are generated on first start and stored in the
// database, so restarting the server neither invalidates issued tokens (their signatures still
// verify against the same JWKS) nor signs anyone out (session cookies stay valid).
// The database file therefore holds private keys: it must be readable by the server only.

export type ProviderKeys = {
  /** Private JWKs for oidc-provider's `jwks` option; the first one signs. */
  signing: JWK[];
  /** The public half, for verifying access tokens at the FHIR API. */
  publicJwks: { keys: JWK[] };
  /** Secrets for Koa's signed cookies; the first one signs, all verify. */
  cookie: string[];
};

type KeyRow = { id: string; material: string };

/**
 * A new RSA private key as a JWK. It is generated as PKCS#8 bytes and read back into a key of its
 * own before the export: on Node 20, exporting as a JWK the key `generateKeyPairSync` returns can
 * hang the process for good. The export holds the key's lock while it allocates, and a garbage
 * collection there may free the finished generation job, whose destructor takes the same lock
 * (gdb on a hung test run). A loop of 3,000 512-bit keys hung in 3 of 7 runs that way; read back,
 * in none of 8.
 */
export function generateRsaPrivateJwk(modulusLength = 2048): JWK {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength,
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    publicKeyEncoding: { type: 'spki', format: 'der' },
  });
  return createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }) as JWK;
}

async function newSigningKey(): Promise<JWK> {
  // RS256 is the one algorithm every OIDC relying party must support (OIDC Core §15.1).
  const jwk = generateRsaPrivateJwk();
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
}

function toPublic(jwk: JWK): JWK {
  const { kty, n, e, crv, x, y, kid, alg, use } = jwk;
  return Object.fromEntries(Object.entries({ kty, n, e, crv, x, y, kid, alg, use }).filter(([, v]) => v !== undefined));
}

export async function loadOrCreateKeys(db: Db, now: () => Date = () => new Date()): Promise<ProviderKeys> {
  const select = db.prepare<[string], KeyRow>('SELECT id, material FROM oidc_key WHERE kind = ? ORDER BY created_at DESC, id');
  const insert = db.prepare('INSERT OR IGNORE INTO oidc_key (kind, id, material, created_at) VALUES (?, ?, ?, ?)');

  if (select.all('signing').length === 0) {
    const jwk = await newSigningKey();
    insert.run('signing', jwk.kid, JSON.stringify(jwk), now().toISOString());
  }
  if (select.all('cookie').length === 0) {
    const secret = randomBytes(32).toString('base64url');
    insert.run('cookie', secret.slice(0, 8), secret, now().toISOString());
  }

  const signing = select.all('signing').map((row) => JSON.parse(row.material) as JWK);
  return {
    signing,
    publicJwks: { keys: signing.map(toPublic) },
    cookie: select.all('cookie').map((row) => row.material),
  };
}
