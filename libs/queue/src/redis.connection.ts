import { Redis, type RedisOptions } from 'ioredis';

/**
 * `worker`: blocking commands must wait out a Redis outage (BullMQ requires maxRetriesPerRequest null).
 * `producer`: the API's connection fails fast while Redis is down, so requests get a 503 instead of hanging.
 */
export type RedisRole = 'worker' | 'producer';

export function createRedisConnection(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5_000 };
  return new Redis(url, {
    ...options,
    // Reconnect forever with a capped backoff: the process should recover by itself.
    retryStrategy: (times) => Math.min(times * 200, 5_000),
    ...extra,
  });
}
