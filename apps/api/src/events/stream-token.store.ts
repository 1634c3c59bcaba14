import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Caller } from '../http/caller.js';

/** How long a stream token may wait to be used: enough to open an EventSource, too little to matter if it leaks. */
export const STREAM_TOKEN_TTL_MS = 60_000;

export interface StreamToken {
  token: string;
  expiresAt: string;
}

export interface StreamTokenStoreDeps {
  redis: Redis;
  /** The queue prefix: each installation (and each test stack) keeps its tokens apart. */
  keyPrefix: string;
  ttlMs?: number;
  now?: () => number;
}

const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Credentials for the owner-wide event stream, which browsers open with EventSource: it cannot send an
 * Authorization header, so the credential travels in the URL. A bearer token or API key there would
 * land in access logs and proxy logs for good; a stream token is worth little if it does: random, bound
 * to one caller (owner and admin flag), valid for a minute and redeemable once (GETDEL). Redis holds
 * them, so every API replica accepts a token another one issued, with no shared secret to configure;
 * only the SHA-256 of a token is stored, so a Redis dump does not hand out usable tokens either.
 */
export class StreamTokenStore {
  private readonly ttlMs: number;

  constructor(private readonly deps: StreamTokenStoreDeps) {
    this.ttlMs = deps.ttlMs ?? STREAM_TOKEN_TTL_MS;
  }

  async issue(caller: Caller): Promise<StreamToken> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const expiresAt = new Date((this.deps.now ?? Date.now)() + this.ttlMs).toISOString();
    await this.deps.redis.set(this.key(token), JSON.stringify({ owner: caller.owner, admin: caller.admin }), 'PX', this.ttlMs);
    return { token, expiresAt };
  }

  /** The caller the token was issued to, or null if it is unknown, expired or was used already. */
  async redeem(token: string): Promise<Caller | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const stored = await this.deps.redis.getdel(this.key(token));
    if (stored === null) return null;
    const { owner, admin } = JSON.parse(stored) as Caller;
    return { owner, admin };
  }

  private key(token: string): string {
    return `${this.deps.keyPrefix}:stream-token:${createHash('sha256').update(token).digest('hex')}`;
  }
}
