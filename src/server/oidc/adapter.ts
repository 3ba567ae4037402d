import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../store/database.ts';
import type { ClientMetadata } from 'oidc-provider';

// oidc-provider's one persistence seam (https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js):
// every model (Session, Interaction, Grant, AuthorizationCode, RefreshToken, …) is a row of
// `oidc_model`, so sessions and grants survive restarts. The Client model is not stored here:
// clients *are* the ClientApplication resources, read through `findClient` on every lookup.

type Row = { payload: string; expires_at: number | null };

export type AdapterOptions = {
  db: Db;
  findClient: (id: string) => ClientMetadata | undefined;
  now?: () => number;
};

export type AdapterClass = new (name: string) => Adapter;

export function createSqliteAdapter(options: AdapterOptions): { Adapter: AdapterClass; removeExpired: () => number; revokeClient: (clientId: string) => number } {
  const { db, findClient } = options;
  const now = options.now ?? Date.now;

  const upsert = db.prepare(
    `INSERT INTO oidc_model (model, id, payload, grant_id, uid, user_code, client_id, expires_at)
     VALUES (@model, @id, @payload, @grantId, @uid, @userCode, @clientId, @expiresAt)
     ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
       uid = excluded.uid, user_code = excluded.user_code, client_id = excluded.client_id, expires_at = excluded.expires_at`,
  );
  const live = '(expires_at IS NULL OR expires_at > ?)';
  const find = db.prepare<[string, string, number], Row>(`SELECT payload, expires_at FROM oidc_model WHERE model = ? AND id = ? AND ${live}`);
  const findByUid = db.prepare<[string, string, number], Row>(`SELECT payload, expires_at FROM oidc_model WHERE model = ? AND uid = ? AND ${live}`);
  const findByUserCode = db.prepare<[string, string, number], Row>(
    `SELECT payload, expires_at FROM oidc_model WHERE model = ? AND user_code = ? AND ${live}`,
  );
  const consume = db.prepare("UPDATE oidc_model SET payload = json_set(payload, '$.consumed', ?) WHERE model = ? AND id = ?");
  const destroy = db.prepare('DELETE FROM oidc_model WHERE model = ? AND id = ?');
  const revokeByGrantId = db.prepare('DELETE FROM oidc_model WHERE model = ? AND grant_id = ?');
  const revokeClient = db.prepare('DELETE FROM oidc_model WHERE client_id = ?');
  const removeExpired = db.prepare('DELETE FROM oidc_model WHERE expires_at <= ?');

  const parse = (row: Row | undefined) => (row ? (JSON.parse(row.payload) as AdapterPayload) : undefined);

  class SqliteAdapter implements Adapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const params = payload.params as { client_id?: unknown } | undefined;
      const clientId = payload.clientId ?? (typeof params?.client_id === 'string' ? params.client_id : undefined);
      upsert.run({
        model: this.model,
        id,
        payload: JSON.stringify(payload),
        grantId: payload.grantId ?? null,
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        clientId: clientId ?? null,
        expiresAt: expiresIn ? now() + expiresIn * 1000 : null,
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return findClient(id);
      return parse(find.get(this.model, id, now()));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return parse(findByUid.get(this.model, uid, now()));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return parse(findByUserCode.get(this.model, userCode, now()));
    }

    async consume(id: string): Promise<void> {
      consume.run(Math.floor(now() / 1000), this.model, id);
    }

    async destroy(id: string): Promise<void> {
      destroy.run(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      revokeByGrantId.run(this.model, grantId);
    }
  }

  return {
    Adapter: SqliteAdapter,
    removeExpired: () => removeExpired.run(now()).changes,
    /** Every session interaction, grant, code and token a client holds, in one statement. */
    revokeClient: (clientId: string) => revokeClient.run(clientId).changes,
  };
}
