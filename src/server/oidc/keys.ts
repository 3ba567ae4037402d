import { generateKeyPairSync, randomBytes } from 'node:crypto';
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

async function newSigningKey(): Promise<JWK> {
  // RS256 is the one algorithm every OIDC relying party must support (OIDC Core §15.1).
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
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
