import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/server';
import type { Redis } from 'ioredis';

export interface RedisLockerOptions {
  redis: Redis;
  /** Namespaces the keys (the queue prefix), so installations sharing a Redis never share locks. */
  keyPrefix: string;
  /** A holder that dies keeps the lock at most this long; a live holder renews it. */
  ttlMs?: number;
  /** How often a waiter retries and a holder renews and looks for release requests. */
  pollMs?: number;
  /** A request that cannot get the lock in this time fails (tus answers 500, the client retries). */
  acquireTimeoutMs?: number;
}

const DEFAULTS = { ttlMs: 30_000, pollMs: 250, acquireTimeoutMs: 30_000 };

/** Thrown to tus (which answers its status) when Redis cannot be reached: a retryable 503, not a 500. */
export const LOCK_STORE_UNAVAILABLE = { status_code: 503, body: 'The upload lock store (Redis) is unavailable; retry shortly.' };

/** Takes the lock and clears a release request meant for the previous holder. */
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  redis.call('DEL', KEYS[2])
  return 1
end
return 0`;
/** -1: the lock is no longer ours; otherwise whether a waiter asked us to let go. */
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('EXISTS', KEYS[2])`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
end
return 0`;

/**
 * tus upload locks on Redis, so API replicas never write one upload at once. A lock is a key holding
 * a random token (only its holder may renew or delete it) with a TTL the holder keeps renewing. A
 * waiter sets a release flag: the holder sees it on its next renewal and calls tus's `requestRelease`,
 * which ends the old request (a client resuming after a dropped connection is not kept waiting for it).
 */
export class RedisLocker implements Locker {
  constructor(private readonly options: RedisLockerOptions) {}

  newLock(id: string): Lock {
    const { redis, keyPrefix, ttlMs, pollMs, acquireTimeoutMs } = this.options;
    const key = `${keyPrefix}:tus-lock:${id}`;
    return new RedisLock(redis, {
      key,
      releaseKey: `${key}:release`,
      ttlMs: ttlMs ?? DEFAULTS.ttlMs,
      pollMs: pollMs ?? DEFAULTS.pollMs,
      acquireTimeoutMs: acquireTimeoutMs ?? DEFAULTS.acquireTimeoutMs,
    });
  }
}

interface RedisLockSettings {
  key: string;
  releaseKey: string;
  ttlMs: number;
  pollMs: number;
  acquireTimeoutMs: number;
}

class RedisLock implements Lock {
  private readonly token = randomUUID();
  private renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly settings: RedisLockSettings,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const { key, releaseKey, ttlMs, pollMs, acquireTimeoutMs } = this.settings;
    const giveUp = AbortSignal.any([signal, AbortSignal.timeout(acquireTimeoutMs)]);
    for (;;) {
      try {
        if ((await this.redis.eval(ACQUIRE, 2, key, releaseKey, this.token, ttlMs)) === 1) break;
        await this.redis.set(releaseKey, '1', 'PX', ttlMs);
      } catch {
        throw LOCK_STORE_UNAVAILABLE;
      }
      try {
        await sleep(pollMs, undefined, { signal: giveUp });
      } catch {
        throw ERRORS.ERR_LOCK_TIMEOUT;
      }
    }
    this.keepRenewing(requestRelease);
  }

  async unlock(): Promise<void> {
    clearInterval(this.renewal);
    this.renewal = undefined;
    // Redis unreachable: the key expires after its TTL; failing the finished request would not help.
    await this.redis.eval(RELEASE, 2, this.settings.key, this.settings.releaseKey, this.token).catch(() => undefined);
  }

  private keepRenewing(requestRelease: RequestRelease): void {
    const { key, releaseKey, ttlMs, pollMs } = this.settings;
    let asked = false;
    this.renewal = setInterval(() => {
      this.redis.eval(RENEW, 2, key, releaseKey, this.token, ttlMs).then(
        (state) => {
          // Lost (expired while Redis was unreachable) or wanted elsewhere: end this request either way.
          if (state !== 0 && !asked) {
            asked = true;
            void requestRelease();
          }
        },
        // Redis unreachable: the TTL decides; the next tick tries again.
        () => undefined,
      );
    }, pollMs);
    this.renewal.unref();
  }
}
