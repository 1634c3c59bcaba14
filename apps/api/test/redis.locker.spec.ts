import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { createRedisConnection } from '@reelforge/queue';
import { ERRORS } from '@tus/server';
import type { Redis } from 'ioredis';
import { LOCK_STORE_UNAVAILABLE, RedisLocker } from '../src/uploads/redis.locker.js';

describe('RedisLocker: tus upload locks shared by API replicas', () => {
  let redis: Redis;
  const keyPrefix = `rf-lock-${createId().slice(0, 10)}`;
  // Two lockers on one Redis stand for two replicas; they share nothing else.
  let replicaA: RedisLocker;
  let replicaB: RedisLocker;

  beforeAll(() => {
    redis = createRedisConnection(process.env.REELFORGE_TEST_REDIS_URL!, 'worker');
    replicaA = new RedisLocker({ redis, keyPrefix, pollMs: 20 });
    replicaB = new RedisLocker({ redis, keyPrefix, pollMs: 20 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('when a second replica wants a held upload, then the holder is asked to let go, and the second gets it only after unlock', async () => {
    const id = createId();
    const held = replicaA.newLock(id);
    let releaseAsked!: () => void;
    const asked = new Promise<void>((resolve) => (releaseAsked = resolve));
    await held.lock(new AbortController().signal, () => releaseAsked());

    let acquired = false;
    const waiter = replicaB.newLock(id);
    const waiting = waiter.lock(new AbortController().signal, () => undefined).then(() => (acquired = true));
    await asked;
    expect(acquired).toBe(false);

    await held.unlock();
    await waiting;
    expect(acquired).toBe(true);
    await waiter.unlock();
    expect(await redis.exists(`${keyPrefix}:tus-lock:${id}`)).toBe(0);
  });

  it('when the holder never lets go, then the waiter gives up with tus’s lock timeout; an aborted request stops waiting too', async () => {
    const id = createId();
    const held = replicaA.newLock(id);
    await held.lock(new AbortController().signal, () => undefined);
    const impatient = new RedisLocker({ redis, keyPrefix, pollMs: 20, acquireTimeoutMs: 100 });
    await expect(impatient.newLock(id).lock(new AbortController().signal, () => undefined)).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);

    const request = new AbortController();
    const waiting = replicaB.newLock(id).lock(request.signal, () => undefined);
    request.abort();
    await expect(waiting).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    await held.unlock();
  });

  it('when a lock expired and another replica took it, then the old holder’s unlock leaves the new lock alone', async () => {
    const id = createId();
    const short = new RedisLocker({ redis, keyPrefix, pollMs: 1_000, ttlMs: 50 });
    const stale = short.newLock(id);
    await stale.lock(new AbortController().signal, () => undefined);
    await redis.pexpire(`${keyPrefix}:tus-lock:${id}`, 1);
    const fresh = replicaB.newLock(id);
    await fresh.lock(new AbortController().signal, () => undefined);
    await stale.unlock();
    expect(await redis.exists(`${keyPrefix}:tus-lock:${id}`)).toBe(1);
    await fresh.unlock();
    expect(await redis.exists(`${keyPrefix}:tus-lock:${id}`)).toBe(0);
  });

  it('when Redis cannot be reached, then taking a lock fails with a retryable 503 for tus, and unlocking does not throw', async () => {
    // Nothing listens on port 1; the API's producer connection fails fast instead of queueing commands.
    const unreachable = createRedisConnection('redis://127.0.0.1:1', 'producer');
    unreachable.on('error', () => undefined);
    try {
      const lock = new RedisLocker({ redis: unreachable, keyPrefix }).newLock(createId());
      await expect(lock.lock(new AbortController().signal, () => undefined)).rejects.toBe(LOCK_STORE_UNAVAILABLE);
      await expect(lock.unlock()).resolves.toBeUndefined();
    } finally {
      unreachable.disconnect();
    }
  });
});
