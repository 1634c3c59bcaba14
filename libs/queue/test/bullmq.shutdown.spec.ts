import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { QueueEvents } from 'bullmq';
import { closeBullmq, createRedisConnection, createTranscodeQueue, startEmbeddedRedis } from '../src/index.js';

describe('closeBullmq', () => {
  it('when Redis is up, then the queue closes gracefully; when Redis is gone, then it gives up within the bound', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rf-close-'));
    const redis = await startEmbeddedRedis({ dataDir: dir, appendOnly: false });
    const producer = createRedisConnection(redis.url, 'producer');
    const listener = createRedisConnection(redis.url, 'worker');
    for (const c of [producer, listener]) c.on('error', () => undefined);
    const upQueue = createTranscodeQueue({ connection: producer, prefix: 'close-test', attempts: 1 });
    const queue = createTranscodeQueue({ connection: producer, prefix: 'close-test', attempts: 1 });
    const events = new QueueEvents('transcode', { connection: listener, prefix: 'close-test' });
    for (const q of [upQueue, queue]) q.on('error', () => undefined);
    events.on('error', () => undefined);
    try {
      await Promise.all([upQueue.waitUntilReady(), queue.waitUntilReady(), events.waitUntilReady()]);
      expect(await closeBullmq(upQueue, producer)).toBe(true);

      await redis.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      expect(await closeBullmq(queue, producer, { disconnectTimeoutMs: 500 })).toBe(false);
      expect(await closeBullmq(events, listener, { disconnectTimeoutMs: 500 })).toBe(false);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      producer.disconnect();
      listener.disconnect();
      await redis.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
