import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { QueueEvents } from 'bullmq';
import { startEmbeddedRedis } from '../src/embedded/index.js';
import { closeBullmq, createRedisConnection, createQueue } from '../src/index.js';

/** Generous limits on waits for events, never a measure of how fast they came. */
const LIMIT_MS = 30_000;

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + LIMIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${LIMIT_MS} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves with `promise`'s value, or with 'hung' if it has not settled within LIMIT_MS. */
function orHung<T>(promise: Promise<T>): Promise<T | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), LIMIT_MS);
  });
  return Promise.race([promise, hung]).finally(() => clearTimeout(timer));
}

describe('closeBullmq', () => {
  it('when Redis is up, then the queue closes gracefully; when Redis is gone, then it gives up within the bound', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rf-close-'));
    const redis = await startEmbeddedRedis({ dataDir: dir, appendOnly: false });
    const producer = createRedisConnection(redis.url, 'producer');
    const listener = createRedisConnection(redis.url, 'worker');
    for (const c of [producer, listener]) c.on('error', () => undefined);
    const upQueue = createQueue('transcode', { connection: producer, prefix: 'close-test', attempts: 1 });
    const queue = createQueue('transcode', { connection: producer, prefix: 'close-test', attempts: 1 });
    const events = new QueueEvents('transcode', { connection: listener, prefix: 'close-test' });
    for (const q of [upQueue, queue]) q.on('error', () => undefined);
    events.on('error', () => undefined);
    try {
      await Promise.all([upQueue.waitUntilReady(), queue.waitUntilReady(), events.waitUntilReady()]);
      expect(await closeBullmq(upQueue, producer)).toBe(true);

      await redis.stop();
      // A connection still 'ready' would be closed gracefully (QUIT); the case here is the one after
      // both clients have seen Redis go.
      await until('both connections to notice Redis is gone', () => producer.status !== 'ready' && listener.status !== 'ready');
      // `false` is the bounded wait giving up (abandoned, not closed); without the bound these would
      // never settle, which the generous limit turns into 'hung'.
      expect(await orHung(closeBullmq(queue, producer, { disconnectTimeoutMs: 500 }))).toBe(false);
      expect(await orHung(closeBullmq(events, listener, { disconnectTimeoutMs: 500 }))).toBe(false);
    } finally {
      producer.disconnect();
      listener.disconnect();
      await redis.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
