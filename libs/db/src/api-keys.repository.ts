import { createId } from '@paralleldrive/cuid2';
import { toApiKey, type ApiKey, type ApiKeyRow } from './api-key.record.js';
import { createApiKeyToken, hashApiKeyToken } from './api-key.token.js';
import { AmbiguousApiKeyError, ApiKeyNotFoundError } from './db.errors.js';
import { isReservedOwner } from './owner.js';
import { toQueryFn, type QueryFn, type Queryable } from './queryable.js';

export interface NewApiKey {
  owner: string;
  name?: string | null;
}

/** Writes `last_used_at` at most this often per key, so authenticated traffic does not write on every request. */
const LAST_USED_RESOLUTION_S = 60;

/** `api_keys`: tokens are stored as SHA-256 hashes and shown in clear only once, by `create`. */
export class ApiKeysRepository {
  private readonly query: QueryFn;

  constructor(db: Queryable) {
    this.query = toQueryFn(db);
  }

  /** Creates a key; the returned `token` is the only copy there will ever be. */
  async create(input: NewApiKey): Promise<{ apiKey: ApiKey; token: string }> {
    // A key for a reserved owner would see the administrators' rows as its own.
    if (isReservedOwner(input.owner)) throw new RangeError(`owner ${JSON.stringify(input.owner)} is reserved (names starting with @)`);
    const { token, tokenHash, prefix } = createApiKeyToken();
    const { rows } = await this.query<ApiKeyRow>(
      `INSERT INTO api_keys (id, owner, name, token_hash, prefix) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [createId(), input.owner, input.name ?? null, tokenHash, prefix],
    );
    return { apiKey: toApiKey(rows[0]!), token };
  }

  /** The key a presented token belongs to, unless it was revoked. */
  async findActiveByToken(token: string): Promise<ApiKey | null> {
    const { rows } = await this.query<ApiKeyRow>('SELECT * FROM api_keys WHERE token_hash = $1 AND revoked_at IS NULL', [
      hashApiKeyToken(token),
    ]);
    return rows[0] ? toApiKey(rows[0]) : null;
  }

  /** Notes that the key was used, unless that was noted less than a minute ago. */
  async touch(id: string): Promise<void> {
    await this.query(
      `UPDATE api_keys SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))`,
      [id, LAST_USED_RESOLUTION_S],
    );
  }

  /** Newest first; revoked keys included (they show when they were revoked). */
  async list(options: { owner?: string } = {}): Promise<ApiKey[]> {
    const { rows } = await this.query<ApiKeyRow>(
      `SELECT * FROM api_keys WHERE ($1::text IS NULL OR owner = $1) ORDER BY created_at DESC, id DESC`,
      [options.owner ?? null],
    );
    return rows.map(toApiKey);
  }

  /**
   * Revokes the key with this id or display prefix. Idempotent: an already revoked key is returned
   * as it is. Throws ApiKeyNotFoundError, or AmbiguousApiKeyError when a prefix names several keys.
   */
  async revoke(idOrPrefix: string): Promise<ApiKey> {
    const { rows } = await this.query<ApiKeyRow>('SELECT * FROM api_keys WHERE id = $1 OR prefix = $1', [idOrPrefix]);
    const byId = rows.find((row) => row.id === idOrPrefix);
    const target = byId ?? (rows.length === 1 ? rows[0] : undefined);
    if (!target) {
      if (rows.length > 1) throw new AmbiguousApiKeyError(idOrPrefix, rows.map((row) => row.id));
      throw new ApiKeyNotFoundError(idOrPrefix);
    }
    const updated = await this.query<ApiKeyRow>(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING *`,
      [target.id],
    );
    return toApiKey(updated.rows[0] ?? target);
  }
}
