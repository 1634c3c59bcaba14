import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { FilesRepository, JobsRepository, type Job, ADMIN_OWNER } from '@reelforge/db';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { freePort } from '@reelforge/process';
import { createRedisConnection, createQueue, enqueueAttempt, type TranscodeQueue } from '@reelforge/queue';
import { createStorageDriver, type StorageDriver } from '@reelforge/storage';
import type { Redis } from 'ioredis';
import { spawnApp, waitForHttpOk, type AppProcess } from '../support/app-process.js';
import { assertWholeHlsOutput } from '../support/hls-output.js';
import { auth } from '../support/http.js';
import { isRunning, listProcesses } from '../support/proc.js';
import { TEST_TOKEN } from '../support/test-stack.js';
import { bullJobIn, waitFor } from '../support/wait.js';

/**
 * The worker and the API as real processes, killed for real. Locks are short (5 s) and the
 * stalled check frequent (2 s) so that recovery after a SIGKILL takes seconds, not minutes.
 */
describe('worker and API processes crashing and restarting', () => {
  let db: TestDatabase;
  let scratch: string;
  let storage: StorageDriver;
  let redis: Redis;
  let queue: TranscodeQueue;
  let jobs: JobsRepository;
  let files: FilesRepository;
  let longClip: string;
  let baseEnv: Record<string, string>;
  const started: AppProcess[] = [];
  /** Left running by one scenario for the next. */
  let spareWorker: AppProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'crash' });
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-crash-'));
    const prefix = `rf-${createId().slice(0, 12)}`;
    storage = createStorageDriver({ driver: 'local', rootDir: path.join(scratch, 'storage'), publicBaseUrl: 'http://127.0.0.1' });
    redis = createRedisConnection(process.env.REELFORGE_TEST_REDIS_URL!, 'worker');
    queue = createQueue('transcode', { connection: redis, prefix, attempts: 3 });
    jobs = new JobsRepository(db.pool);
    files = new FilesRepository(db.pool);
    // Long enough to still be encoding a few seconds after it started, even on an idle machine.
    longClip = await makeFixture('landscape-720p', { durationS: 24 });
    baseEnv = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: db.databaseUrl,
      DATABASE_SCHEMA: db.schema,
      REDIS_URL: process.env.REELFORGE_TEST_REDIS_URL!,
      QUEUE_PREFIX: prefix,
      API_TOKENS: TEST_TOKEN,
      EMBEDDED_DIR: scratch,
      STORAGE_DIR: path.join(scratch, 'storage'),
      LADDER_HEIGHTS: '360,240',
      HLS_SEGMENT_SECONDS: '2',
      X264_PRESET: 'ultrafast',
      JOB_LOCK_DURATION_MS: '5000',
      JOB_STALLED_INTERVAL_MS: '2000',
      // Recovery here must come from BullMQ's stalled-job check alone.
      RECONCILE_INTERVAL_S: '0',
    };
  });

  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop()));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await storage.close();
    await db.drop();
    await rm(scratch, { recursive: true, force: true });
    await cleanupFixtures();
  });

  async function startWorker(env: Record<string, string> = {}): Promise<AppProcess> {
    const port = await freePort();
    const worker = await spawnApp('worker', { ...baseEnv, WORKER_HEALTH_PORT: String(port), ...env });
    started.push(worker);
    await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, worker);
    return worker;
  }

  /** What POST /api/media/upload + /transcode do, without an API process. */
  async function submit(source: string, ladder?: Record<string, unknown>): Promise<{ fileId: string; jobId: string }> {
    const fileId = createId();
    const storageKey = `uploads/${fileId}/clip.mp4`;
    await storage.putFile(storageKey, source);
    const file = await files.insert({ owner: ADMIN_OWNER, id: fileId, originalName: 'clip.mp4', sizeBytes: 1, storageKey });
    const created = await jobs.create({ owner: ADMIN_OWNER, fileId, ladder });
    await enqueueAttempt(queue, created.job, file, 1);
    return { fileId, jobId: created.job.id };
  }

  const jobWhere = (jobId: string, what: string, predicate: (job: Job) => boolean, timeoutMs = 60_000) =>
    waitFor(
      `job ${jobId} to be ${what}`,
      async () => {
        const job = await jobs.findById(jobId);
        return job && predicate(job) ? job : undefined;
      },
      { timeoutMs },
    );
  const encoding = (jobId: string) => jobWhere(jobId, 'encoding', (j) => j.status === 'processing' && j.stage === 'encoding' && j.progress > 5);
  const settled = (jobId: string) => jobWhere(jobId, 'settled', (j) => ['completed', 'failed', 'cancelled'].includes(j.status));
  const eventKinds = async (jobId: string) =>
    (await db.pool.query<{ kind: string }>("SELECT kind FROM job_events WHERE job_id = $1 AND kind NOT IN ('stage', 'playable') ORDER BY id", [jobId])).rows.map(
      (r) => r.kind,
    );
  const ffmpegChildren = async (pid: number) => (await listProcesses()).filter((p) => p.ppid === pid && p.cmdline.includes('ffmpeg'));
  const storedKeys = async (prefix: string) => {
    const keys: string[] = [];
    for await (const object of storage.list(prefix)) keys.push(object.key);
    return keys;
  };
  const bullState = async (jobId: string, attempt = 1) => (await queue.getJob(`${jobId}.${attempt}`))?.getState();

  it('when a worker is SIGKILLed mid-encode, then its ffmpeg dies with it and another worker completes the job whole', async () => {
    const first = await startWorker();
    const { fileId, jobId } = await submit(longClip);
    const running = await encoding(jobId);
    expect(running.workerId).toContain(`:${first.pid}:`);
    const [ffmpeg] = await ffmpegChildren(first.pid);
    expect(ffmpeg).toBeDefined();

    // Frozen first, so that it cannot finish on its own: only the parent-death signal can end it, and
    // the wait below needs no deadline tighter than "eventually" to tell a guard from an orphan.
    process.kill(ffmpeg!.pid, 'SIGSTOP');
    try {
      first.kill('SIGKILL');
      await first.exited;
      await waitFor('the killed worker’s ffmpeg to die', async () => ((await isRunning(ffmpeg!.pid)) ? undefined : true), { timeoutMs: 30_000 });
    } finally {
      if (await isRunning(ffmpeg!.pid)) process.kill(ffmpeg!.pid, 'SIGKILL');
    }

    const second = await startWorker();
    const done = await settled(jobId);
    expect(done).toMatchObject({ status: 'completed', attempts: 2, errorCode: null });
    expect(done.workerId).toContain(`:${second.pid}:`);
    expect(await eventKinds(jobId)).toEqual(['queued', 'processing', 'processing', 'completed']);
    const bull = await bullJobIn('completed', () => queue.getJob(`${jobId}.1`));
    expect(bull.stalledCounter).toBe(1);
    const output = await assertWholeHlsOutput(storage, fileId);
    expect(output.playlists).toEqual(expect.arrayContaining(['360p/index.m3u8', '240p/index.m3u8']));
    spareWorker = second;
  }, 90_000);

  it('when a worker gets SIGTERM with a long grace period, then it takes no new job, finishes the current one and exits 0', async () => {
    // WORKER_SHUTDOWN_GRACE_S defaults to 30 s: plenty for this encode.
    const worker = spareWorker ?? (await startWorker());
    spareWorker = undefined;
    const current = await submit(longClip);
    await encoding(current.jobId);
    // A slower preset keeps this one encoding well past the 1 s grace period below, even on an idle machine.
    const next = await submit(longClip, { preset: 'superfast' });

    worker.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(await jobs.findById(current.jobId)).toMatchObject({ status: 'completed', attempts: 1 });
    await assertWholeHlsOutput(storage, current.fileId);
    expect(await jobs.findById(next.jobId)).toMatchObject({ status: 'queued', attempts: 0 });
    // Waiting to be taken: with its fair priority, that is BullMQ's prioritized set.
    expect(await bullState(next.jobId)).toBe('prioritized');

    // Scenario continues: a worker with a short grace period is stopped while encoding `next`.
    const impatient = await startWorker({ WORKER_SHUTDOWN_GRACE_S: '1' });
    await encoding(next.jobId);
    const [ffmpeg] = await ffmpegChildren(impatient.pid);
    impatient.kill('SIGTERM');
    expect(await impatient.exited).toEqual({ code: 0, signal: null });
    expect(ffmpeg && (await isRunning(ffmpeg.pid))).toBe(false);
    const released = await jobs.findById(next.jobId);
    expect(released).toMatchObject({ status: 'queued', workerId: null, progress: 0 });
    expect(['prioritized', 'delayed']).toContain(await bullState(next.jobId));
    expect(await storedKeys(`hls/${next.fileId}`)).toEqual([]);

    spareWorker = await startWorker();
    expect(await settled(next.jobId)).toMatchObject({ status: 'completed', attempts: 2 });
    expect(await eventKinds(next.jobId)).toEqual(['queued', 'processing', 'queued', 'processing', 'completed']);
    await assertWholeHlsOutput(storage, next.fileId);
  }, 90_000);

  it('when the API is killed and restarted while a job runs, then status reads work again and the job completes', async () => {
    const port = await freePort();
    const apiEnv = { ...baseEnv, PORT: String(port), LOG_LEVEL: 'warn' };
    const baseUrl = `http://127.0.0.1:${port}`;
    const startApi = async () => {
      const api = await spawnApp('api', apiEnv);
      started.push(api);
      await waitForHttpOk(`${baseUrl}/readyz`, api);
      return api;
    };
    const readStatus = async (fileId: string) => {
      const res = await fetch(`${baseUrl}/api/media/transcode/${fileId}`, { headers: auth });
      expect(res.status).toBe(200);
      return (await res.json()) as { status: string; progress: number; jobId: string };
    };

    spareWorker ??= await startWorker();
    const api = await startApi();
    const { fileId, jobId } = await submit(longClip);
    await encoding(jobId);
    expect(await readStatus(fileId)).toMatchObject({ jobId, status: 'processing' });

    api.kill('SIGKILL');
    await api.exited;
    await expect(fetch(`${baseUrl}/healthz`)).rejects.toThrow();

    await startApi();
    const after = await readStatus(fileId);
    expect(after.jobId).toBe(jobId);
    expect(['processing', 'completed']).toContain(after.status);
    await settled(jobId);
    expect(await readStatus(fileId)).toMatchObject({ jobId, status: 'completed', progress: 100 });
    expect(await eventKinds(jobId)).toEqual(['queued', 'processing', 'completed']);
  }, 90_000);
});
