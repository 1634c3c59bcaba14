import type { Redis } from 'ioredis';

export interface RedisPolicyReport {
  maxmemoryPolicy: string | undefined;
  persistence: { aof: boolean; rdb: boolean };
  warnings: string[];
}

/**
 * BullMQ keeps jobs in Redis: an evicting policy or no persistence can silently drop them.
 * Managed services may forbid CONFIG GET, in which case the check reports that instead of failing.
 */
export async function checkRedisPolicy(redis: Redis): Promise<RedisPolicyReport> {
  const warnings: string[] = [];
  let maxmemoryPolicy: string | undefined;
  let aof = false;
  let rdb = false;
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    const [, appendonly] = (await redis.config('GET', 'appendonly')) as [string, string];
    const [, save] = (await redis.config('GET', 'save')) as [string, string];
    maxmemoryPolicy = policy;
    aof = appendonly === 'yes';
    rdb = save.trim() !== '';
  } catch (err) {
    warnings.push(`could not read Redis configuration (${(err as Error).message}); make sure maxmemory-policy is noeviction`);
    return { maxmemoryPolicy, persistence: { aof, rdb }, warnings };
  }
  if (maxmemoryPolicy !== 'noeviction') {
    warnings.push(
      `Redis maxmemory-policy is "${maxmemoryPolicy}"; BullMQ needs "noeviction" or queued jobs can be evicted (set it with CONFIG SET maxmemory-policy noeviction or in your provider's settings)`,
    );
  }
  if (!aof && !rdb) {
    warnings.push('Redis has no persistence (appendonly no, save ""); a restart loses queued jobs until the reconciler re-enqueues them from Postgres');
  }
  return { maxmemoryPolicy, persistence: { aof, rdb }, warnings };
}
