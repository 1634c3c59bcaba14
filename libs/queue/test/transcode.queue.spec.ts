import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import type { Redis } from 'ioredis';
import {
  createRedisConnection,
  createTranscodeQueue,
  createTranscodeWorker,
  enqueueTranscode,
  parseTranscodeBullJobId,
  transcodeBullJobId,
  type TranscodeJobPayload,
  type TranscodeQueue,
} from '../src/index.js';

const redisUrl = process.env.REELFORGE_TEST_REDIS_URL!;
const prefix = `rf-test-${createId()}`;

const payload = (over: Partial<TranscodeJobPayload> = {}): TranscodeJobPayload => ({
  jobId: createId(),
  fileId: createId(),
  attempt: 1,
  originalName: 'clip.mp4',
  sourceKey: 'uploads/x/clip.mp4',
  ...over,
});

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
    queue = createTranscodeQueue({ connection, prefix, attempts: 2 });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });

  it('when the same attempt is enqueued twice, then BullMQ keeps one job; a new attempt gets its own', async () => {
    const p = payload();
    expect(await enqueueTranscode(queue, p)).toBe(`${p.jobId}.1`);
    await enqueueTranscode(queue, { ...p, originalName: 'changed.mp4' });
    await enqueueTranscode(queue, { ...p, attempt: 2 });
    const first = await queue.getJob(`${p.jobId}.1`);
    expect(first?.data.originalName).toBe('clip.mp4');
    expect(await queue.getJob(`${p.jobId}.2`)).toBeDefined();
    expect(first?.opts.removeOnComplete).toEqual({ age: 604800, count: 10000 });
    expect(first?.opts.attempts).toBe(2);
  });

  it('when a worker runs, then it receives the payload and completes with the result', async () => {
    const p = payload();
    const workerConnection = createRedisConnection(redisUrl, 'worker');
    const worker = createTranscodeWorker(
      async (job) => ({ outputPrefix: `hls/${job.data.fileId}/`, masterKey: `hls/${job.data.fileId}/master.m3u8`, renditions: [] }),
      { connection: workerConnection, prefix, concurrency: 1, lockDurationMs: 30_000, stalledIntervalMs: 15_000, maxStalledCount: 1 },
    );
    try {
      const done = new Promise<unknown>((resolve) => worker.on('completed', (job, result) => job.data.jobId === p.jobId && resolve(result)));
      await enqueueTranscode(queue, p);
      await expect(done).resolves.toEqual({
        outputPrefix: `hls/${p.fileId}/`,
        masterKey: `hls/${p.fileId}/master.m3u8`,
        renditions: [],
      });
    } finally {
      await worker.close();
      workerConnection.disconnect();
    }
  });
});
