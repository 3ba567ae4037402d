import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../store/database.ts';
import { hashSecret, verifySecret } from './secret-hash.ts';

// People who sign in to the console (SPEC §7). Passwords are stored only as Argon2id hashes,
// the same slow, salted hash as client secrets (secret-hash.ts).

export type User = { id: string; email: string; isAdmin: boolean };

type UserRow = { id: string; email: string; password_hash: string; is_admin: number };

// A hash of a random secret: verifying an unknown email costs as much as a known one, so the
// response time does not reveal which emails exist.
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => (dummyHash ??= hashSecret(randomBytes(16).toString('base64url')));

export function createUserStore(db: Db, options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  const byId = db.prepare<[string], UserRow>('SELECT id, email, password_hash, is_admin FROM app_user WHERE id = ?');
  const byEmail = db.prepare<[string], UserRow>('SELECT id, email, password_hash, is_admin FROM app_user WHERE email = ?');
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM app_user');
  const insert = db.prepare(
    'INSERT INTO app_user (id, email, password_hash, is_admin, created_at) VALUES (@id, @email, @passwordHash, @isAdmin, @createdAt)',
  );

  const toUser = (row: UserRow): User => ({ id: row.id, email: row.email, isAdmin: row.is_admin === 1 });

  async function create(email: string, password: string, isAdmin: boolean): Promise<User> {
    const id = randomUUID();
    insert.run({ id, email, passwordHash: await hashSecret(password), isAdmin: isAdmin ? 1 : 0, createdAt: now().toISOString() });
    return { id, email, isAdmin };
  }

  return {
    findById(id: string): User | undefined {
      const row = byId.get(id);
      return row ? toUser(row) : undefined;
    },

    create,

    /** The user whose email and password these are, or undefined (never says which was wrong). */
    async authenticate(email: string, password: string): Promise<User | undefined> {
      const row = byEmail.get(email.trim());
      const matches = await verifySecret(password, row?.password_hash ?? (await getDummyHash()));
      return row && matches ? toUser(row) : undefined;
    },

    /**
     * Creates the first admin when there is nobody yet. Returns the generated password when
     * none was configured, so main.ts can print it exactly once.
     */
    async ensureFirstAdmin(email: string, password: string | undefined): Promise<{ user: User; generatedPassword?: string } | undefined> {
      if ((count.get()?.n ?? 0) > 0) return undefined;
      if (password !== undefined) return { user: await create(email, password, true) };
      // 144 bits from the CSPRNG, URL-safe so it survives copy and paste from a terminal.
      const generatedPassword = randomBytes(18).toString('base64url');
      return { user: await create(email, generatedPassword, true), generatedPassword };
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;

export function createConsentStore(db: Db) {
  const select = db.prepare<[string, string], { grant_id: string }>(
    'SELECT grant_id FROM oidc_consent WHERE account_id = ? AND client_id = ?',
  );
  const upsert = db.prepare(
    'INSERT INTO oidc_consent (account_id, client_id, grant_id) VALUES (?, ?, ?) ON CONFLICT (account_id, client_id) DO UPDATE SET grant_id = excluded.grant_id',
  );
  const removeClient = db.prepare('DELETE FROM oidc_consent WHERE client_id = ?');
  return {
    grantIdFor(accountId: string, clientId: string): string | undefined {
      return select.get(accountId, clientId)?.grant_id;
    },
    remember(accountId: string, clientId: string, grantId: string): void {
      upsert.run(accountId, clientId, grantId);
    },
    forgetClient(clientId: string): void {
      removeClient.run(clientId);
    },
  };
}

export type ConsentStore = ReturnType<typeof createConsentStore>;
