import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import type { Redis } from 'ioredis';
import {
  createRedisConnection,
  createQueue,
  createWorker,
  enqueueAttempt,
  parseTranscodeBullJobId,
  transcodeBullJobId,
  type TranscodeQueue,
} from '../src/index.js';

const redisUrl = process.env.REELFORGE_TEST_REDIS_URL!;
const prefix = `rf-test-${createId()}`;

/** A job row queued for attempt `n`, as JobsRepository records it, and its file. */
const queuedRow = (id = createId(), n = 1) => ({ id, fileId: createId(), bullmqJobId: transcodeBullJobId(id, n), ladder: null, priority: null });
const file = { originalName: 'clip.mp4', storageKey: 'uploads/x/source' };

describe('transcode job ids', () => {
  it('when built and parsed, then the attempt round-trips', () => {
    expect(transcodeBullJobId('abc', 3)).toBe('abc.3');
    expect(parseTranscodeBullJobId('abc.3')).toEqual({ jobId: 'abc', attempt: 3 });
    expect(parseTranscodeBullJobId('abc')).toBeUndefined();
    expect(parseTranscodeBullJobId('a:b.1')).toBeUndefined();
    expect(() => transcodeBullJobId('a:b', 1)).toThrow(/must not contain ':'/);
  });
});

describe('transcode queue against a real Redis', () => {
  let connection: Redis;
  let queue: TranscodeQueue;

  beforeAll(() => {
    connection = createRedisConnection(redisUrl, 'worker');
    queue = createQueue('transcode', { connection, prefix, attempts: 2 });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });

  it('when the same attempt is enqueued twice, then BullMQ keeps one job under the recorded id; a new attempt gets its own', async () => {
    const row = queuedRow();
    expect(await enqueueAttempt(queue, row, file, 1)).toBe(`${row.id}.1`);
    await enqueueAttempt(queue, row, { ...file, originalName: 'changed.mp4' }, 1);
    await enqueueAttempt(queue, { ...row, bullmqJobId: `${row.id}.2` }, file, 1);
    const first = await queue.getJob(`${row.id}.1`);
    expect(first?.data).toEqual({ jobId: row.id, fileId: row.fileId, originalName: 'clip.mp4', sourceKey: 'uploads/x/source' });
    expect(await queue.getJob(`${row.id}.2`)).toBeDefined();
    await expect(enqueueAttempt(queue, { ...row, bullmqJobId: null }, file, 1)).rejects.toThrow(/no BullMQ id/);
    expect(first?.opts.removeOnComplete).toEqual({ age: 604800, count: 10000 });
    expect(first?.opts.attempts).toBe(2);
  });

  it('when a worker runs, then it receives the payload and completes with the result', async () => {
    const row = queuedRow();
    const workerConnection = createRedisConnection(redisUrl, 'worker');
    const worker = createWorker('transcode', 
      async (job) => ({ outputPrefix: `hls/${job.data.fileId}/`, renditions: [] }),
      { connection: workerConnection, prefix, concurrency: 1, lockDurationMs: 30_000, stalledIntervalMs: 15_000, maxStalledCount: 1 },
    );
    try {
      const done = new Promise<unknown>((resolve) => worker.on('completed', (job, result) => job.data.jobId === row.id && resolve(result)));
      await enqueueAttempt(queue, row, file, 1);
      await expect(done).resolves.toEqual({
        outputPrefix: `hls/${row.fileId}/`,
        renditions: [],
      });
    } finally {
      await worker.close();
      workerConnection.disconnect();
    }
  });
});
