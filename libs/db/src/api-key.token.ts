import { createHash, randomBytes } from 'node:crypto';

/** Recognisable in logs and by secret scanners; the rest is 256 random bits. */
export const API_KEY_TOKEN_PREFIX = 'rf_';
/** How many leading characters of a token are kept in clear (`api_keys.prefix`) to tell keys apart. */
export const API_KEY_DISPLAY_CHARS = 8;

export interface NewApiKeyToken {
  token: string;
  tokenHash: string;
  prefix: string;
}

/**
 * A plain SHA-256 is the right hash here, unlike for passwords: the token is 256 random bits, so a
 * leaked hash cannot be brute-forced, and slow password hashes (bcrypt, argon2) exist only to
 * protect low-entropy secrets. A deterministic hash also lets a request find its key by an index
 * lookup instead of trying every salted hash.
 */
export function hashApiKeyToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function createApiKeyToken(): NewApiKeyToken {
  const token = `${API_KEY_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hashApiKeyToken(token), prefix: token.slice(0, API_KEY_DISPLAY_CHARS) };
}
