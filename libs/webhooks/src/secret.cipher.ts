import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { WebhookSecretKeyError } from './webhooks.errors.js';

/**
 * The operator's key for owners' signing secrets at rest (WEBHOOK_SECRETS_KEY). `id` is derived from
 * the key itself and stored with every sealed secret, so the operator can add a new key, re-seal, and
 * drop the old one without guessing which rows it still opens.
 */
export interface OperatorKey {
  id: string;
  key: Buffer;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Format of a sealed secret; a future scheme gets a new prefix instead of guessing. */
const SCHEME = 'v1';

/** Pure: an operator key (32 bytes, as the config decodes WEBHOOK_SECRETS_KEY) with the id derived from it. */
export function operatorKey(key: Buffer): OperatorKey {
  if (key.length !== KEY_BYTES) throw new WebhookSecretKeyError(`must be ${KEY_BYTES} bytes (got ${key.length})`);
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 12), key };
}

/**
 * AES-256-GCM with a random 96-bit IV. The owner and the secret's row id are authenticated data, so a
 * sealed secret copied onto another owner's row (by someone who can write the table) does not open.
 * Result: `v1.<key id>.<iv>.<tag>.<ciphertext>`, base64url parts.
 */
export function sealSecret(secret: string, key: OperatorKey, context: { owner: string; id: string }): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(aad(context));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [SCHEME, key.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** The key id a sealed secret names (to find rows still sealed with an old key). */
export function sealedKeyId(sealed: string): string | undefined {
  const [scheme, keyId] = sealed.split('.');
  return scheme === SCHEME ? keyId : undefined;
}

/** Opens what sealSecret made, with whichever of `keys` sealed it; throws WebhookSecretKeyError when none can. */
export function openSecret(sealed: string, keys: readonly OperatorKey[], context: { owner: string; id: string }): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== SCHEME) throw new WebhookSecretKeyError('a stored webhook secret is not in a known format');
  const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
  const key = keys.find((k) => k.id === keyId);
  if (!key) throw new WebhookSecretKeyError(`a stored webhook secret was sealed with operator key ${keyId}, which WEBHOOK_SECRETS_KEY does not list`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new WebhookSecretKeyError(`a stored webhook secret does not open with operator key ${keyId} (altered, or moved to another owner)`);
  }
}

function aad({ owner, id }: { owner: string; id: string }): Buffer {
  return Buffer.from(JSON.stringify([owner, id]), 'utf8');
}
