import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { ADMIN_OWNER, DirectUploadsRepository, FilesRepository, JobEventsRepository, JobsRepository, type Job } from '@reelforge/db';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import {
  createRedisConnection,
  createQueue,
  enqueueAttempt,
  fairPriority,
  QueueReconciler,
  reconcileLockKey,
  startReconcileLoop,
  type ReconcileReport,
  type TranscodeQueue,
} from '../src/index.js';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

const redisUrl = process.env.REELFORGE_TEST_REDIS_URL!;

describe('QueueReconciler against real Postgres and Redis', () => {
  let db: TestDatabase;
  let connection: Redis;
  let queue: TranscodeQueue;
  let jobs: JobsRepository;
  let files: FilesRepository;
  let reconciler: QueueReconciler;
  const prefix = `rf-rec-${createId().slice(0, 10)}`;

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'reconcile' });
    connection = createRedisConnection(redisUrl, 'worker');
    queue = createQueue('transcode', { connection, prefix, attempts: 3 });
    jobs = new JobsRepository(db.pool);
    files = new FilesRepository(db.pool);
    reconciler = new QueueReconciler({ queue, jobs, files, events: new JobEventsRepository(db.pool) });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await db.drop();
  });

  /** A queued job as the API leaves it: the row, which records `<id>.1`, and that BullMQ job. */
  async function queuedJob(options: { enqueue?: boolean } = {}): Promise<Job> {
    const file = await files.insert({ owner: ADMIN_OWNER, originalName: 'clip.mp4', sizeBytes: 1, storageKey: `uploads/${createId()}/clip.mp4` });
    const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: file.id, ladder: { preset: 'ultrafast' }, priority: 5 });
    if (options.enqueue !== false) await enqueueAttempt(queue, job, file, 1);
    return job;
  }
  const bullJobsOf = async (jobId: string) =>
    (await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed']))
      .filter((j) => j.data.jobId === jobId)
      .map((j) => j.id)
      .sort();
  const bullState = async (bullId: string) => (await (await queue.getJob(bullId))?.getState()) ?? 'missing';
  const only = (report: ReconcileReport, ids: string[]) => ({
    requeued: report.requeued.filter((id) => ids.includes(id)),
    failed: report.failed.filter((id) => ids.includes(id)),
  });

  /** Takes the job out of the queue as a worker would, without running anything. */
  async function takeActive(): Promise<{ bullId: string; close: () => Promise<void> }> {
    const workerConnection = createRedisConnection(redisUrl, 'worker');
    const worker = new Worker('transcode', null, { connection: workerConnection, prefix, autorun: false });
    const taken = await worker.getNextJob('test-token');
    if (!taken?.id) throw new Error('nothing to take');
    return {
      bullId: taken.id,
      close: async () => {
        await worker.close();
        workerConnection.disconnect();
      },
    };
  }

  it('when BullMQ still has every job, then nothing is touched', async () => {
    const job = await queuedJob();
    const report = await reconciler.reconcileOnce();
    expect(only(report, [job.id])).toEqual({ requeued: [], failed: [] });
    expect(report.checked).toBeGreaterThanOrEqual(1);
  });

  /** A transcode job created with an import (`transcode: true`): queued at stage `importing`, never enqueued. */
  async function jobWaitingForImport(): Promise<Job> {
    const id = createId();
    await files.insertImporting({ id, originalName: 'clip.mp4', storageKey: `uploads/${id}/source`, sourceUrl: 'https://example.com/clip.mp4', owner: ADMIN_OWNER });
    const outcome = await jobs.create({ owner: ADMIN_OWNER, fileId: id, stage: 'importing' });
    return outcome.job;
  }

  it("when a job waits for its file's import, then it is not enqueued; once the file is ready (and Redis lost the enqueue), it is", async () => {
    const job = await jobWaitingForImport();
    expect(only(await reconciler.reconcileOnce(), [job.id])).toEqual({ requeued: [], failed: [] });
    expect(await bullJobsOf(job.id)).toEqual([]);

    await files.markImported(job.fileId, { mime: 'video/mp4', sizeBytes: 10, durationS: 1, width: 320, height: 240 });
    expect(only(await reconciler.reconcileOnce(), [job.id]).requeued).toEqual([job.id]);
    expect(await bullJobsOf(job.id)).toEqual([`${job.id}.1`]);
  });

  it("when a job waits for its file's direct upload, then it is not enqueued while the client still sends parts", async () => {
    const id = createId();
    await new DirectUploadsRepository(db.pool).create({
      file: { id, originalName: 'clip.mp4', mime: 'video/mp4', storageKey: `uploads/${id}/source`, owner: ADMIN_OWNER },
      uploadId: 'u1',
      declaredBytes: 10,
      partSize: 5 * 1024 * 1024,
      partCount: 1,
      expiresAt: new Date(Date.now() + 3600_000),
    });
    const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: id, stage: 'importing' });
    expect(only(await reconciler.reconcileOnce(), [job.id])).toEqual({ requeued: [], failed: [] });
    expect(await bullJobsOf(job.id)).toEqual([]);
  });

  it('when the import failed but the worker stopped before failing the waiting job, then the job fails with the import code', async () => {
    const job = await jobWaitingForImport();
    await files.markImportFailed(job.fileId, { code: 'import_timeout', message: 'The fetch did not finish within 3 s.' });
    expect(only(await reconciler.reconcileOnce(), [job.id]).failed).toEqual([job.id]);
    expect(await jobs.findById(job.id)).toMatchObject({ status: 'failed', errorCode: 'import_timeout' });
    expect(await bullJobsOf(job.id)).toEqual([]);
  });

  it('when Redis lost a queued job, then it is added again under the recorded id, once', async () => {
    const job = await queuedJob({ enqueue: false });
    expect(only(await reconciler.reconcileOnce(), [job.id]).requeued).toEqual([job.id]);
    const bull = await queue.getJob(`${job.id}.1`);
    expect(bull?.data).toMatchObject({ jobId: job.id, fileId: job.fileId, ladder: { preset: 'ultrafast' } });
    // The client's priority 5, within the band of the job's rank among its owner's queued jobs.
    expect(bull?.opts.priority).toBe(fairPriority({ rank: await jobs.queuedRank(job.id), clientPriority: 5 }));
    const trail = await new JobEventsRepository(db.pool).listForJob(job.id);
    expect(trail.map((e) => [e.kind, e.data])).toEqual([
      ['queued', { reason: 'created', attempt: 0 }],
      ['reconciled', { bullJobId: `${job.id}.1`, found: { bullJobId: `${job.id}.1`, state: 'missing' } }],
    ]);
    // A second run, or the API's late add of the same attempt, does not double it.
    expect(only(await reconciler.reconcileOnce(), [job.id]).requeued).toEqual([]);
    await enqueueAttempt(queue, job, (await files.findById(job.fileId))!, 1);
    expect(await bullJobsOf(job.id)).toEqual([`${job.id}.1`]);
  });

  it('when Redis lost a job whose file was deleted meanwhile, then it is not added again', async () => {
    const job = await queuedJob({ enqueue: false });
    await files.markDeleted(job.fileId, { by: ADMIN_OWNER });
    expect(only(await reconciler.reconcileOnce(), [job.id])).toEqual({ requeued: [], failed: [] });
    expect(await bullJobsOf(job.id)).toEqual([]);
  });

  it('when a processing job is missing from BullMQ, then it is queued again as a new attempt under the id that requeue recorded', async () => {
    const job = await queuedJob({ enqueue: false });
    await jobs.markProcessing(job.id, { workerId: 'worker-that-lost-redis' });

    expect(only(await reconciler.reconcileOnce(), [job.id]).requeued).toEqual([job.id]);
    expect(await jobs.findById(job.id)).toMatchObject({ status: 'queued', workerId: null, bullmqJobId: `${job.id}.2` });
    expect(await bullState(`${job.id}.2`)).toBe('prioritized');
    expect(await bullJobsOf(job.id)).toEqual([`${job.id}.2`]);
    const events = await db.pool.query<{ kind: string; data: { reason?: string } }>(
      "SELECT kind, data FROM job_events WHERE job_id = $1 AND kind = 'queued' ORDER BY id",
      [job.id],
    );
    expect(events.rows.at(-1)?.data.reason).toBe(`reconciler: BullMQ job ${job.id}.1 is missing`);
  });

  it('when a processing job is active in BullMQ, then it is left to its worker', async () => {
    await queue.drain(true);
    const job = await queuedJob();
    const { bullId, close } = await takeActive();
    try {
      expect(bullId).toBe(`${job.id}.1`);
      await jobs.markProcessing(job.id, { workerId: 'alive' });
      expect(only(await reconciler.reconcileOnce(), [job.id])).toEqual({ requeued: [], failed: [] });
      expect(await jobs.findById(job.id)).toMatchObject({ status: 'processing', workerId: 'alive' });
    } finally {
      await close();
    }
  });

  it('when BullMQ failed a job Postgres still has as processing, then it is marked failed with a reason, not re-run', async () => {
    await queue.drain(true);
    const job = await queuedJob();
    const { bullId, close } = await takeActive();
    try {
      await jobs.markProcessing(job.id, { workerId: 'crashed-twice' });
      await (await queue.getJob(bullId))!.moveToFailed(new UnrecoverableError('job stalled more than allowable limit'), 'test-token', false);
      expect(only(await reconciler.reconcileOnce(), [job.id])).toEqual({ requeued: [], failed: [job.id] });
      expect(await jobs.findById(job.id)).toMatchObject({
        status: 'failed',
        errorCode: 'attempts_exhausted',
        errorMessage: expect.stringContaining('job stalled more than allowable limit'),
      });
    } finally {
      await close();
    }
  });

  it('when a queued row from before ids were recorded at once has none, then it is queued under a new one', async () => {
    const job = await queuedJob({ enqueue: false });
    await db.pool.query('UPDATE transcoding_jobs SET bullmq_job_id = NULL WHERE id = $1', [job.id]);
    expect(only(await reconciler.reconcileOnce(), [job.id]).requeued).toEqual([job.id]);
    expect(await jobs.findById(job.id)).toMatchObject({ status: 'queued', bullmqJobId: `${job.id}.1` });
    expect(await bullState(`${job.id}.1`)).toBe('prioritized');
  });

  it('when more jobs are active than one page holds, then every one of them is checked and repaired', async () => {
    const lost = await Promise.all([1, 2, 3, 4, 5].map(() => queuedJob({ enqueue: false })));
    const report = await new QueueReconciler({ queue, jobs, files, batchSize: 2 }).reconcileOnce();
    expect(report.requeued).toEqual(expect.arrayContaining(lost.map((j) => j.id)));
    expect(new Set(report.requeued).size).toBe(report.requeued.length);
    expect(report.checked).toBeGreaterThanOrEqual(lost.length);
    for (const job of lost) expect(await bullState(`${job.id}.1`)).toBe('prioritized');
  });
});

describe('startReconcileLoop', () => {
  it('when several workers run the loop, then the Redis lock lets one of them reconcile per interval', async () => {
    const prefix = `rf-loop-${createId().slice(0, 10)}`;
    const redis = createRedisConnection(redisUrl, 'worker');
    const runs: string[] = [];
    const lockAnswers: { owner: string; args: unknown[]; answer: unknown }[] = [];
    const empty: ReconcileReport = { checked: 0, requeued: [], failed: [] };
    /** The loop only takes the lock (SET NX PX); this records Redis's answer to each owner. */
    const recordingRedis = (owner: string) =>
      ({
        set: async (...args: unknown[]) => {
          const answer: unknown = await (redis.set as (...a: unknown[]) => Promise<unknown>).apply(redis, args);
          lockAnswers.push({ owner, args, answer });
          return answer;
        },
      }) as unknown as Redis;
    const loops = ['a', 'b', 'c'].map((owner) =>
      startReconcileLoop({
        reconcilers: [
          {
            reconcileOnce: async () => {
              runs.push(owner);
              return empty;
            },
          },
        ],
        redis: recordingRedis(owner),
        prefix,
        intervalMs: 60_000,
        owner,
      }),
    );
    try {
      // Each loop asks for the lock at once; after all three answers, the winner has run (it runs
      // right after its answer) and the others have given up this interval. No fixed wait.
      const deadline = Date.now() + 30_000;
      while (lockAnswers.length < 3) {
        if (Date.now() > deadline) throw new Error(`only ${lockAnswers.length} of 3 loops asked for the lock`);
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(lockAnswers.filter((a) => a.answer === 'OK').map((a) => a.owner)).toEqual(runs);
      expect(runs).toHaveLength(1);
      // The lock lasts 0.9 of the interval (what spaces the runs out); Redis still holds it. Its
      // remaining TTL is not compared with a number: that would measure how long this test took.
      for (const { owner, args } of lockAnswers) expect(args).toEqual([reconcileLockKey(prefix), owner, 'PX', 54_000, 'NX']);
      expect(await redis.pttl(reconcileLockKey(prefix))).toBeGreaterThan(0);
      expect(await redis.get(reconcileLockKey(prefix))).toBe(runs[0]);
    } finally {
      for (const loop of loops) loop.stop();
      await redis.del(reconcileLockKey(prefix));
      redis.disconnect();
    }
  });
});
