import { createHash, timingSafeEqual } from 'node:crypto';
import { API_KEY_TOKEN_PREFIX } from '@reelforge/db';
import type { RequestHandler } from 'express';
import { UnauthorizedError } from './app.errors.js';
import { ADMIN_CALLER, ownerCaller } from './caller.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Compares the presented token against every configured one in constant time (hashing first makes
 * the lengths equal, so neither content nor length leaks through timing).
 */
export function tokenMatches(presented: string, configured: readonly Buffer[]): boolean {
  const candidate = digest(presented);
  let match = false;
  for (const known of configured) match = timingSafeEqual(candidate, known) || match;
  return match;
}

/** What the middleware needs from `ApiKeysRepository`. */
export interface ApiKeyLookup {
  findActiveByToken(token: string): Promise<{ id: string; owner: string; lastUsedAt: Date | null } | null>;
  touch(id: string): Promise<void>;
}

/** `last_used_at` is a hint for operators, not an audit log: refreshing it once a minute is plenty. */
const TOUCH_AFTER_MS = 60_000;

/**
 * Accepts a token from API_TOKENS (constant-time compare; an administrator, see caller.ts)
 * or a non-revoked API key from the database (found by the SHA-256 of the token; owner = the key's).
 * An index lookup by hash is not constant-time, but what it could leak is where the *hash* of a
 * guess lands in the index, which says nothing usable about any real token.
 */
export function bearerAuth(tokens: readonly string[], apiKeys?: ApiKeyLookup): RequestHandler {
  const configured = tokens.map(digest);
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const token = match?.[1];
    if (token !== undefined && configured.length > 0 && tokenMatches(token, configured)) {
      res.locals.caller = ADMIN_CALLER;
      next();
      return;
    }
    // Only tokens shaped like API keys cost a database query.
    const key = token !== undefined && apiKeys && token.startsWith(API_KEY_TOKEN_PREFIX) ? await apiKeys.findActiveByToken(token) : null;
    if (key) {
      res.locals.caller = ownerCaller(key.owner);
      if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > TOUCH_AFTER_MS) {
        apiKeys!.touch(key.id).catch((err: unknown) => req.log?.warn({ err }, 'could not record API key use'));
      }
      next();
      return;
    }
    // RFC 6750: tell the client which scheme to use; `error` only when a token was presented.
    res.set('WWW-Authenticate', match ? 'Bearer realm="reelforge", error="invalid_token"' : 'Bearer realm="reelforge"');
    next(new UnauthorizedError());
  };
}
