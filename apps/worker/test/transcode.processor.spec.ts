import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { FilesRepository, JobsRepository, type Job, ADMIN_OWNER } from '@reelforge/db';
import { createTestDatabase, renditionRecord, type TestDatabase } from '@reelforge/db/testing';
import { detectOrphanGuard } from '@reelforge/process';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import {
  createQueue,
  createRedisConnection,
  createWorker,
  enqueueAttempt,
  type JobWorker,
  type TranscodeQueue,
} from '@reelforge/queue';
import { LocalDriver, outputPrefix, StorageError, type StorageDriver } from '@reelforge/storage';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { createTranscodeProcessor } from '../src/transcode/transcode.processor.js';
import { TranscodeService } from '../src/transcode/transcode.service.js';

const redisUrl = process.env.REELFORGE_TEST_REDIS_URL!;
const ATTEMPTS = 3;
const MAX_DURATION_S = 10;

/** The real local driver, except that the next `failures` uploads fail the way a flaky network does. */
function flakyUploads(storage: LocalDriver): { storage: StorageDriver; failNext(count: number): void } {
  let failures = 0;
  const proxy = new Proxy(storage, {
    get(target, property, receiver) {
      if (property === 'putFile') {
        return async (...args: Parameters<StorageDriver['putFile']>) => {
          if (failures > 0) {
            failures -= 1;
            throw new StorageError(`upload of ${args[0]} failed: connect ECONNREFUSED (simulated outage)`);
          }
          return target.putFile(...args);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { storage: proxy, failNext: (count) => (failures = count) };
}

/**
 * The transcode processor under BullMQ with real Redis, Postgres and ffmpeg: which failures are
 * retried (with backoff) and which are final, and the job_events trail each leaves.
 */
describe('transcode processor failure policy', () => {
  let db: TestDatabase;
  let scratch: string;
  let connection: Redis;
  let queue: TranscodeQueue;
  let worker: JobWorker<'transcode'>;
  let jobs: JobsRepository;
  let files: FilesRepository;
  let local: LocalDriver;
  let failNext: (count: number) => void;
  let clip: string;
  /** What the processor handed to onSettled (the worker queues webhooks there). */
  const announced: Job[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'processor' });
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-processor-'));
    const prefix = `rf-proc-${createId().slice(0, 10)}`;
    connection = createRedisConnection(redisUrl, 'worker');
    queue = createQueue('transcode', { connection, prefix, attempts: ATTEMPTS, backoffDelayMs: 50 });
    jobs = new JobsRepository(db.pool);
    files = new FilesRepository(db.pool);
    local = new LocalDriver({ rootDir: path.join(scratch, 'storage'), publicBaseUrl: 'http://127.0.0.1' });
    const flaky = flakyUploads(local);
    failNext = flaky.failNext;
    const service = new TranscodeService({
      storage: flaky.storage,
      defaultLadder: { rungs: [{ height: 240 }], segmentSeconds: 1, preset: 'ultrafast' },
      capabilities: { zscale: false },
      // Lowered so a 12 s clip is above it; the other limits are the defaults.
      inputLimits: { maxPixels: 7680 * 4320, maxFrameRate: 120, maxDurationS: MAX_DURATION_S, maxStreams: 16 },
      timeLimit: { factor: 10, floorS: 300 },
      orphanGuard: await detectOrphanGuard(),
      workDir: scratch,
    });
    const processor = createTranscodeProcessor({
      jobs,
      files,
      service,
      workerId: 'processor-spec',
      logger: pino({ level: 'silent' }),
      onSettled: async (job) => void announced.push(job),
    });
    worker = createWorker('transcode', processor, {
      connection: createRedisConnection(redisUrl, 'worker'),
      prefix,
      concurrency: 1,
      lockDurationMs: 10_000,
      stalledIntervalMs: 5_000,
      maxStalledCount: 1,
    });
    clip = await makeFixture('small-360p', { durationS: 2 });
  });

  afterAll(async () => {
    await worker.close();
    (worker.opts.connection as Redis).disconnect();
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await local.close();
    await db.drop();
    await rm(scratch, { recursive: true, force: true });
    await cleanupFixtures();
  });

  async function waitForFinished(bullId: string): Promise<{ state: string; failedReason: string | undefined }> {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const state = await (await queue.getJob(bullId))?.getState();
      // Read again once finished: a job fetched before it failed has no failedReason yet.
      if (state === 'failed' || state === 'completed') return { state, failedReason: (await queue.getJob(bullId))?.failedReason };
      if (Date.now() > deadline) throw new Error(`${bullId} still ${state}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function submit({ storeSource = true, enqueue = true, source = clip } = {}): Promise<{ jobId: string; bullId: string }> {
    const fileId = createId();
    const storageKey = `uploads/${fileId}/clip.mp4`;
    if (storeSource) await local.putFile(storageKey, source);
    const file = await files.insert({ owner: ADMIN_OWNER, id: fileId, originalName: 'clip.mp4', sizeBytes: 1, storageKey });
    const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId });
    if (enqueue) await enqueueAttempt(queue, job, file, 1);
    return { jobId: job.id, bullId: job.bullmqJobId! };
  }

  async function settled(jobId: string): Promise<Job> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const job = await jobs.findById(jobId);
      if (job && ['completed', 'failed', 'cancelled'].includes(job.status)) return job;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job?.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const outputKeys = async (fileId: string): Promise<string[]> => {
    const keys: string[] = [];
    for await (const object of local.list(`hls/${fileId}`)) keys.push(object.key);
    return keys;
  };

  const events = async (jobId: string) =>
    (
      await db.pool.query<{ kind: string; data: Record<string, unknown> }>(
        "SELECT kind, data FROM job_events WHERE job_id = $1 AND kind NOT IN ('stage', 'playable') ORDER BY id",
        [jobId],
      )
    ).rows;

  it('when an upload fails once (transient), then BullMQ retries after a backoff and the job completes on attempt 2', async () => {
    failNext(1);
    const { jobId, bullId } = await submit();
    expect(await settled(jobId)).toMatchObject({ status: 'completed', attempts: 2, errorCode: null, errorMessage: null });
    const trail = await events(jobId);
    expect(trail.map((e) => e.kind)).toEqual(['queued', 'processing', 'queued', 'processing', 'completed']);
    expect(trail[2]?.data.reason).toMatch(/^storage_unavailable: upload of hls\/.+ failed: connect ECONNREFUSED/);
    expect(await waitForFinished(bullId)).toMatchObject({ state: 'completed' });
    // BullMQ counts the successful attempt too.
    expect((await queue.getJob(bullId))?.attemptsMade).toBe(2);
  });

  it('when uploads keep failing, then the job fails after every attempt is spent, with a code and message to act on', async () => {
    failNext(1_000);
    const { jobId, bullId } = await submit();
    const failed = await settled(jobId);
    failNext(0);
    expect(failed).toMatchObject({ status: 'failed', attempts: ATTEMPTS, errorCode: 'storage_unavailable' });
    expect(failed.errorMessage).toMatch(/failed: connect ECONNREFUSED \(simulated outage\)$/);
    expect((await events(jobId)).map((e) => e.kind)).toEqual(['queued', 'processing', 'queued', 'processing', 'queued', 'processing', 'failed']);
    expect(await waitForFinished(bullId)).toMatchObject({ state: 'failed' });
    expect((await queue.getJob(bullId))?.attemptsMade).toBe(ATTEMPTS);
  });

  it('when a job cancelled while its worker was dead is picked up, then its leftovers go and a newer job\'s output for the file stays', async () => {
    const leftovers = async (fileId: string) => {
      const keys: string[] = [];
      for await (const object of local.list(`hls/${fileId}`)) keys.push(object.key);
      return keys;
    };
    const pickUpCancelled = async (withSuccessor: boolean) => {
      const { jobId, bullId } = await submit({ storeSource: false, enqueue: false });
      const fileId = (await jobs.findById(jobId))!.fileId;
      await local.putFile(`${outputPrefix(fileId, jobId, 1)}/240p/seg_a1_00000.ts`, clip);
      await jobs.markCancelled(jobId);
      const kept: string[] = [];
      if (withSuccessor) {
        const successor = await jobs.create({ owner: ADMIN_OWNER, fileId });
        kept.push(`${outputPrefix(fileId, successor.job.id, 1)}/240p/seg_a1_00000.ts`);
        await local.putFile(kept[0]!, clip);
      }
      await enqueueAttempt(queue, (await jobs.findById(jobId))!, (await files.findById(fileId))!, 1);
      const bull = await waitForFinished(bullId);
      expect(bull).toMatchObject({ state: 'failed', failedReason: 'cancelled' });
      return { left: await leftovers(fileId), kept };
    };
    expect((await pickUpCancelled(false)).left).toEqual([]);
    const withSuccessor = await pickUpCancelled(true);
    expect(withSuccessor.left).toEqual(withSuccessor.kept);
  });

  it('when a job its dead worker had already completed is picked up again, then it is not re-run and its outcome is announced again', async () => {
    const { jobId, bullId } = await submit({ enqueue: false });
    const fileId = (await jobs.findById(jobId))!.fileId;
    // What a worker killed right after its completion commit leaves: completed in Postgres, no webhook queued.
    await jobs.markProcessing(jobId, { workerId: 'dead-worker' });
    await jobs.markCompleted(jobId, { renditions: [renditionRecord('240p')], outputPrefix: `hls/${fileId}`, workerId: 'dead-worker' });
    await enqueueAttempt(queue, (await jobs.findById(jobId))!, (await files.findById(fileId))!, 1);

    expect(await waitForFinished(bullId)).toMatchObject({ state: 'completed' });
    expect(announced.filter((job) => job.id === jobId).map((job) => job.status)).toEqual(['completed']);
    expect((await events(jobId)).map((e) => e.kind)).toEqual(['queued', 'processing', 'completed']);
  });

  it('when the source is gone from storage, then the job fails at once (no retry) as source_missing', async () => {
    const { jobId, bullId } = await submit({ storeSource: false });
    const failed = await settled(jobId);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'source_missing' });
    expect(failed.errorMessage).toMatch(/^The uploaded source is gone from storage/);
    expect(await waitForFinished(bullId)).toMatchObject({ state: 'failed' });
    expect((await queue.getJob(bullId))?.attemptsMade).toBe(1);
  });

  it('when a file above an input limit reached storage without the upload sniff, then the worker fails the job at once (no retry) as input_too_large', async () => {
    const { jobId, bullId } = await submit({ source: await makeFixture('small-360p', { durationS: MAX_DURATION_S + 2 }) });
    const failed = await settled(jobId);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'input_too_large' });
    expect(failed.errorMessage).toMatch(/the duration is 12(\.\d+)? s, above the limit of 10 s/);
    expect(await waitForFinished(bullId)).toMatchObject({ state: 'failed' });
    expect((await queue.getJob(bullId))?.attemptsMade).toBe(1);
    expect(await outputKeys((await jobs.findById(jobId))!.fileId)).toEqual([]);
  });

  it('when a payload added by hand names another file and source key, then the worker encodes the job row\'s file and leaves the other alone', async () => {
    const ours = await submit({ enqueue: false });
    const ourFileId = (await jobs.findById(ours.jobId))!.fileId;
    // Another tenant's file, longer than ours, so the output tells which source was read.
    const other = await submit({ enqueue: false, source: await makeFixture('small-360p', { durationS: 4 }) });
    const otherFile = (await files.findById((await jobs.findById(other.jobId))!.fileId))!;
    await queue.add('transcode', { jobId: ours.jobId, fileId: otherFile.id, originalName: 'forged.mp4', sourceKey: otherFile.storageKey }, { jobId: ours.bullId });

    expect(await settled(ours.jobId)).toMatchObject({ status: 'completed', outputPrefix: outputPrefix(ourFileId, ours.jobId, 1) });
    expect(await outputKeys(otherFile.id)).toEqual([]);
    const playlist = await readFile(local.localPath(`${outputPrefix(ourFileId, ours.jobId, 1)}/240p/index.m3u8`)!, 'utf8');
    const seconds = [...playlist.matchAll(/#EXTINF:([\d.]+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(seconds).toBeCloseTo(2, 0);
  });
});
