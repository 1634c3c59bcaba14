import { toQueryFn, type QueryFn, type Queryable } from './queryable.js';

/** An owner's signing secret as stored: sealed by libs/webhooks, never in plaintext here. */
export interface WebhookSecretRecord {
  id: string;
  owner: string;
  keyId: string;
  ciphertext: string;
  createdAt: Date;
  /** When it stops signing (set by a rotation); null: no end. */
  expiresAt: Date | null;
}

interface WebhookSecretRow {
  id: string;
  owner: string;
  key_id: string;
  secret_ciphertext: string;
  created_at: Date;
  expires_at: Date | null;
}

export interface NewWebhookSecret {
  /** Chosen by the caller: it is sealed into the ciphertext as authenticated data. */
  id: string;
  owner: string;
  keyId: string;
  ciphertext: string;
}

const ACTIVE = '(expires_at IS NULL OR expires_at > now())';

const toRecord = (row: WebhookSecretRow): WebhookSecretRecord => ({
  id: row.id,
  owner: row.owner,
  keyId: row.key_id,
  ciphertext: row.secret_ciphertext,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

/** `webhook_secrets`: each owner's signing secrets; those not yet expired sign, newest first. */
export class WebhookSecretsRepository {
  private readonly query: QueryFn;

  constructor(db: Queryable) {
    this.query = toQueryFn(db);
  }

  /** The first secret of an owner; null when the owner already has an active one (rotate it instead). */
  async createFirst(secret: NewWebhookSecret): Promise<WebhookSecretRecord | null> {
    const { rows } = await this.query<WebhookSecretRow>(
      `INSERT INTO webhook_secrets (id, owner, key_id, secret_ciphertext)
       SELECT $1, $2, $3, $4
       WHERE NOT EXISTS (SELECT 1 FROM webhook_secrets WHERE owner = $2 AND ${ACTIVE})
       RETURNING *`,
      [secret.id, secret.owner, secret.keyId, secret.ciphertext],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * Adds a new secret and lets the owner's active ones expire `overlapMs` from now (never later than
   * they already would), in one statement. Returns the new secret and how many it retires; null when
   * the owner has no active secret to rotate.
   */
  async rotate(secret: NewWebhookSecret, overlapMs: number): Promise<{ secret: WebhookSecretRecord; retiring: WebhookSecretRecord[] } | null> {
    const { rows } = await this.query<WebhookSecretRow & { retiring: WebhookSecretRow[] | null }>(
      `WITH retiring AS (
         UPDATE webhook_secrets
         SET expires_at = LEAST(COALESCE(expires_at, 'infinity'), now() + $5::bigint * interval '1 millisecond')
         WHERE owner = $2 AND ${ACTIVE}
         RETURNING *
       )
       INSERT INTO webhook_secrets (id, owner, key_id, secret_ciphertext)
       SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM retiring)
       RETURNING *, (SELECT json_agg(retiring) FROM retiring) AS retiring`,
      [secret.id, secret.owner, secret.keyId, secret.ciphertext, Math.max(0, Math.round(overlapMs))],
    );
    const row = rows[0];
    if (!row) return null;
    const retiring = (row.retiring ?? []).map((r) => toRecord({ ...r, created_at: new Date(r.created_at), expires_at: r.expires_at && new Date(r.expires_at) }));
    return { secret: toRecord(row), retiring };
  }

  /** The owner's secrets that sign now, newest first. */
  async listActive(owner: string): Promise<WebhookSecretRecord[]> {
    const { rows } = await this.query<WebhookSecretRow>(`SELECT * FROM webhook_secrets WHERE owner = $1 AND ${ACTIVE} ORDER BY created_at DESC, id DESC`, [owner]);
    return rows.map(toRecord);
  }

  /** Every secret (of one owner, or all), expired ones included, newest first: for operators' listings. */
  async list(options: { owner?: string } = {}): Promise<WebhookSecretRecord[]> {
    const { rows } = await this.query<WebhookSecretRow>(
      `SELECT * FROM webhook_secrets WHERE ($1::text IS NULL OR owner = $1) ORDER BY owner, created_at DESC, id DESC`,
      [options.owner ?? null],
    );
    return rows.map(toRecord);
  }

  /** Unexpired secrets sealed with another operator key than `keyId`: what a key change must re-seal. */
  async listActiveNotSealedWith(keyId: string): Promise<WebhookSecretRecord[]> {
    const { rows } = await this.query<WebhookSecretRow>(`SELECT * FROM webhook_secrets WHERE key_id <> $1 AND ${ACTIVE} ORDER BY created_at, id`, [keyId]);
    return rows.map(toRecord);
  }

  /** Replaces a secret's ciphertext (same plaintext, another operator key). */
  async reseal(id: string, keyId: string, ciphertext: string): Promise<void> {
    await this.query('UPDATE webhook_secrets SET key_id = $2, secret_ciphertext = $3 WHERE id = $1', [id, keyId, ciphertext]);
  }

  /** Whether any owner has a secret that still signs: then the operator key is needed to deliver. */
  async anyActive(): Promise<boolean> {
    const { rows } = await this.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM webhook_secrets WHERE ${ACTIVE}) AS any`, []);
    return rows[0]?.any ?? false;
  }
}
