import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedisServerMissingError, startEmbeddedRedis, type EmbeddedRedis } from '../src/embedded/index.js';
import { checkRedisPolicy, createRedisConnection } from '../src/index.js';

describe('startEmbeddedRedis', () => {
  let dir: string;
  let server: EmbeddedRedis;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rf-redis-'));
    server = await startEmbeddedRedis({ dataDir: dir });
  });
  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('when started, then it listens on loopback with noeviction and append-only persistence', async () => {
    expect(server.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const redis = createRedisConnection(server.url, 'worker');
    try {
      expect(await checkRedisPolicy(redis)).toEqual({
        maxmemoryPolicy: 'noeviction',
        persistence: { aof: true, rdb: false },
        warnings: [],
      });
    } finally {
      redis.disconnect();
    }
  });

  it('when stopped twice, then the second stop is a no-op and the process is gone', async () => {
    const other = await startEmbeddedRedis({ dataDir: dir, appendOnly: false });
    await other.stop();
    await other.stop();
    expect(() => process.kill(other.pid, 0)).toThrow();
  });

  it('when redis-server is missing, then the error says how to install it or use REDIS_URL', async () => {
    await expect(startEmbeddedRedis({ dataDir: dir, redisServerPath: 'redis-server-that-does-not-exist' })).rejects.toThrow(
      RedisServerMissingError,
    );
    await expect(
      startEmbeddedRedis({ dataDir: dir, redisServerPath: 'redis-server-that-does-not-exist' }),
    ).rejects.toThrow(/apt-get install redis-server.*REDIS_URL/);
  });
});

describe('checkRedisPolicy', () => {
  it('when the policy evicts and nothing persists, then it warns about both', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rf-redis-'));
    const server = await startEmbeddedRedis({ dataDir: dir, appendOnly: false });
    const redis = createRedisConnection(server.url, 'worker');
    try {
      await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const report = await checkRedisPolicy(redis);
      expect(report.maxmemoryPolicy).toBe('allkeys-lru');
      expect(report.warnings).toEqual([
        expect.stringContaining('needs "noeviction"'),
        expect.stringContaining('no persistence'),
      ]);
    } finally {
      redis.disconnect();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
