import { randomBytes } from 'node:crypto';
import { createId } from '@paralleldrive/cuid2';
import type { WebhookSecretRecord, WebhookSecretsRepository } from '@reelforge/db';
import { openSecret, sealSecret, type OperatorKey } from './secret.cipher.js';
import { WebhookSecretKeyError } from './webhooks.errors.js';

/** Marks a secret as Reelforge's webhook secret wherever it is pasted. */
export const OWNER_SECRET_PREFIX = 'whsec_';

export interface NewOwnerSecret {
  /** The plaintext: shown once, to the operator who made it. */
  secret: string;
  record: WebhookSecretRecord;
  /** Older secrets that keep signing until their `expiresAt` (rotation only). */
  retiring: WebhookSecretRecord[];
}

/**
 * Owners' signing secrets: made here from 32 random bytes, sealed with the operator key before they
 * reach Postgres, opened only to sign. `keys` is WEBHOOK_SECRETS_KEY (the first one seals).
 */
export class OwnerSecretsStore {
  constructor(
    private readonly secrets: Pick<WebhookSecretsRepository, 'createFirst' | 'rotate' | 'listActive' | 'listActiveNotSealedWith' | 'reseal'>,
    private readonly keys: readonly OperatorKey[],
  ) {}

  /** The owner's first secret; null when it already has one (rotate instead). */
  async create(owner: string): Promise<NewOwnerSecret | null> {
    const { id, secret, keyId, ciphertext } = this.seal(owner);
    const record = await this.secrets.createFirst({ id, owner, keyId, ciphertext });
    return record ? { secret, record, retiring: [] } : null;
  }

  /** A new secret; the active ones keep signing for `overlapMs` more. Null when the owner has none to rotate. */
  async rotate(owner: string, overlapMs: number): Promise<NewOwnerSecret | null> {
    const { id, secret, keyId, ciphertext } = this.seal(owner);
    const rotated = await this.secrets.rotate({ id, owner, keyId, ciphertext }, overlapMs);
    return rotated ? { secret, record: rotated.secret, retiring: rotated.retiring } : null;
  }

  /** The plaintexts that sign the owner's events now, newest first (empty: the owner has none). */
  async activeSecrets(owner: string): Promise<string[]> {
    const records = await this.secrets.listActive(owner);
    return records.map((r) => openSecret(r.ciphertext, this.keys, { owner: r.owner, id: r.id }));
  }

  /**
   * After a change of WEBHOOK_SECRETS_KEY (new key first, old ones after it): seals every unexpired
   * secret still under an old key with the first one, so the old key can then be removed. Returns how
   * many were re-sealed.
   */
  async resealWithCurrentKey(): Promise<number> {
    const key = this.currentKey();
    const stale = await this.secrets.listActiveNotSealedWith(key.id);
    for (const record of stale) {
      const context = { owner: record.owner, id: record.id };
      await this.secrets.reseal(record.id, key.id, sealSecret(openSecret(record.ciphertext, this.keys, context), key, context));
    }
    return stale.length;
  }

  private currentKey(): OperatorKey {
    const key = this.keys[0];
    if (!key) throw new WebhookSecretKeyError('is not set: owners\' webhook secrets are stored encrypted with it; generate one with `openssl rand -hex 32`');
    return key;
  }

  private seal(owner: string) {
    const key = this.currentKey();
    const id = createId();
    const secret = `${OWNER_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
    return { id, secret, keyId: key.id, ciphertext: sealSecret(secret, key, { owner, id }) };
  }
}
