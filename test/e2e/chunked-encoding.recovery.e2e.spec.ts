import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { ADMIN_OWNER, ChunksRepository, FilesRepository, JobEventsRepository, JobsRepository, type Chunk } from '@reelforge/db';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { freePort } from '@reelforge/process';
import { createQueue, createRedisConnection, enqueueAttempt, QueueReconciler, type TranscodeQueue } from '@reelforge/queue';
import { startEmbeddedRedis, type EmbeddedRedis } from '@reelforge/queue/embedded';
import { createStorageDriver, fileOutputFolder, type StorageDriver } from '@reelforge/storage';
import HLS from 'hls-parser';
import { Redis } from 'ioredis';
import { spawnApp, waitForHttpOk, type AppProcess } from '../support/app-process.js';
import { checkHlsConformance } from '../support/hls-conformance.js';
import { TEST_TOKEN } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

const SOURCE_S = 12;
/** Parts that take a few seconds each on two cores, so a test can act while one runs. */
const LADDER = { preset: 'medium' as const, rungs: [{ height: 720 }] };
const LIMIT_MS = 240_000;

/**
 * A chunked job survives what the queue survives: a worker killed mid-part (only that part runs
 * again) and Redis losing everything (Postgres rows say which parts are done; only the rest run again).
 * Real worker processes and a private redis-server, never the shared one.
 */
describe('chunked encoding recovering from crashes and Redis loss', () => {
  let db: TestDatabase;
  let scratch: string;
  let storage: StorageDriver;
  let redis: EmbeddedRedis;
  let connection: Redis;
  let queue: TranscodeQueue;
  let jobs: JobsRepository;
  let files: FilesRepository;
  let parts: ChunksRepository;
  let source: string;
  let baseEnv: Record<string, string>;
  const started: AppProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'chunkfail' });
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-chunk-recovery-'));
    redis = await startEmbeddedRedis({ dataDir: path.join(scratch, 'redis'), appendOnly: false });
    const prefix = `rf-${createId().slice(0, 12)}`;
    storage = createStorageDriver({ driver: 'local', rootDir: path.join(scratch, 'storage'), publicBaseUrl: 'http://127.0.0.1' });
    connection = createRedisConnection(redis.url, 'worker');
    queue = createQueue('transcode', { connection, prefix, attempts: 3 });
    jobs = new JobsRepository(db.pool);
    files = new FilesRepository(db.pool);
    parts = new ChunksRepository(db.pool);
    source = await makeFixture('landscape-720p', { durationS: SOURCE_S });
    baseEnv = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: db.databaseUrl,
      DATABASE_SCHEMA: db.schema,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: prefix,
      API_TOKENS: TEST_TOKEN,
      EMBEDDED_DIR: scratch,
      STORAGE_DIR: path.join(scratch, 'storage'),
      LADDER_HEIGHTS: '360',
      HLS_SEGMENT_SECONDS: '1',
      X264_PRESET: 'ultrafast',
      CHUNK_MIN_DURATION_S: '6',
      CHUNK_SECONDS: '3',
      JOB_LOCK_DURATION_MS: '5000',
      JOB_STALLED_INTERVAL_MS: '2000',
      // Recovery must come from BullMQ's stalled check, or from the reconciler run by the test.
      RECONCILE_INTERVAL_S: '0',
    };
  });

  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop()));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
    await storage.close();
    await redis.stop();
    await db.drop();
    await rm(scratch, { recursive: true, force: true });
    await cleanupFixtures();
  });

  async function startWorker(): Promise<AppProcess> {
    const port = await freePort();
    const worker = await spawnApp('worker', { ...baseEnv, WORKER_HEALTH_PORT: String(port) });
    started.push(worker);
    await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, worker);
    return worker;
  }

  /** What POST /api/media/upload + /transcode do, without an API process. */
  async function submit(): Promise<{ fileId: string; jobId: string }> {
    const fileId = createId();
    const storageKey = `uploads/${fileId}/clip.mp4`;
    await storage.putFile(storageKey, source);
    const file = await files.insert({ owner: ADMIN_OWNER, id: fileId, originalName: 'clip.mp4', sizeBytes: 1, storageKey });
    const created = await jobs.create({ owner: ADMIN_OWNER, fileId, ladder: LADDER });
    await enqueueAttempt(queue, created.job, file, 1);
    return { fileId, jobId: created.job.id };
  }

  const partWhere = (jobId: string, what: string, predicate: (part: Chunk) => boolean) =>
    waitFor(`a part ${what}`, async () => (await parts.list(jobId)).find(predicate), { timeoutMs: LIMIT_MS });
  const settled = (jobId: string) =>
    waitFor(
      `job ${jobId} to settle`,
      async () => {
        const job = await jobs.findById(jobId);
        return job && ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
      },
      { timeoutMs: LIMIT_MS },
    );

  /** The one master of the file: every source frame in its top rendition, and the ladder conforms. */
  async function assertWholeLadder(fileId: string): Promise<void> {
    const masters: string[] = [];
    for await (const { key } of storage.list(fileOutputFolder(fileId))) if (key.endsWith('/master.m3u8')) masters.push(key);
    expect(masters).toHaveLength(1);
    const dir = path.dirname(storage.localPath(masters[0]!)!);
    expect((await checkHlsConformance(dir, { sourceDurationS: SOURCE_S })).problems).toEqual([]);
    const master = HLS.parse(await readFile(path.join(dir, 'master.m3u8'), 'utf8'));
    if (!master.isMasterPlaylist) throw new Error('not a master playlist');
    const media = HLS.parse(await readFile(path.join(dir, master.variants[0]!.uri), 'utf8'));
    if (media.isMasterPlaylist) throw new Error('not a media playlist');
    expect(media.segments.reduce((sum, s) => sum + s.duration, 0)).toBeCloseTo(SOURCE_S, 1);
  }

  it(
    'when a worker is SIGKILLed while it encodes a part, then only that part runs again, on another worker, and the ladder is whole',
    async () => {
      const first = await startWorker();
      const second = await startWorker();
      const { fileId, jobId } = await submit();
      const victim = await partWhere(jobId, `encoding on worker ${first.pid}`, (p) => p.kind === 'video' && p.state === 'processing' && p.progress > 0 && p.workerId!.includes(`:${first.pid}:`));
      first.kill('SIGKILL');
      await first.exited;

      expect(await settled(jobId)).toMatchObject({ status: 'completed', attempts: 1 });
      const rows = await parts.list(jobId);
      const rerun = rows.find((p) => p.kind === victim.kind && p.index === victim.index)!;
      expect(rerun).toMatchObject({ state: 'completed', runs: 2, attempt: 1 });
      expect(rerun.workerId).toContain(`:${second.pid}:`);
      // Every other part ran once (the audio rides along with video part 0, so it reruns with it).
      const others = rows.filter((p) => !(p.kind === victim.kind && p.index === victim.index) && !(p.kind === 'audio' && victim.index === 0));
      expect(others.map((p) => `${p.kind}${p.index}:${p.runs}`)).toEqual(others.map((p) => `${p.kind}${p.index}:1`));
      await assertWholeLadder(fileId);
      await second.stop();
    },
    LIMIT_MS + 60_000,
  );

  it(
    'when Redis loses everything while parts encode, then the reconciler starts a new attempt that encodes only the unfinished parts',
    async () => {
      const worker = await startWorker();
      const { fileId, jobId } = await submit();
      await partWhere(jobId, 'finished', (p) => p.kind === 'video' && p.state === 'completed');
      const admin = new Redis(redis.url);
      await admin.flushall();
      admin.disconnect();
      const done = new Set((await parts.list(jobId)).filter((p) => p.state === 'completed').map((p) => `${p.kind}${p.index}`));

      const reconciler = new QueueReconciler({ queue, jobs, files, events: new JobEventsRepository(db.pool) });
      expect(await reconciler.reconcileOnce()).toMatchObject({ requeued: [jobId] });
      expect(await settled(jobId)).toMatchObject({ status: 'completed', attempts: 2 });

      const rows = await parts.list(jobId);
      for (const part of rows) {
        const label = `${part.kind}${part.index}`;
        // Finished before the loss: kept where it lies (attempt 1), never run again.
        if (done.has(label)) expect({ label, attempt: part.attempt, runs: part.runs }).toEqual({ label, attempt: 1, runs: 1 });
        else expect({ label, attempt: part.attempt }).toEqual({ label, attempt: 2 });
      }
      await assertWholeLadder(fileId);
      await worker.stop();
    },
    LIMIT_MS + 60_000,
  );
});
