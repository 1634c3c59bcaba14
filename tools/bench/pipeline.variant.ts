import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { JobWorker, TranscodeJobPayload } from '@reelforge/queue';
import { fileOutputFolder, masterKey } from '@reelforge/storage';
import type pg from 'pg';
import { createBenchSchema, startPrivateRedis } from './bench.services.js';
import { addFile } from './bench.files.js';
import { startBenchStack, newQueuePrefix } from './bench.stack.js';
import { submitTranscode } from './bench.http.js';
import { CleanupStack } from './cleanup.stack.js';
import { cpuSecondsSoFar, ownCpuSecondsSoFar } from './cpu.meter.js';
import type { Clip } from './inputs.factory.js';

/** Where a pipeline run's time went, from the job's audit trail in Postgres (job_events). */
export interface StageBreakdown {
  /** Accepted → claimed by the worker. */
  queueMs: number;
  /** Claimed → encoding started (ffprobe, media facts). */
  probeMs: number;
  /** The ladder encode (storyboard thumbnails included) plus poster and tiling. */
  encodeAndImagesMs: number;
  /** Segments not yet uploaded, playlists, images. */
  uploadTailMs: number;
  /** Measure renditions, write and upload master.m3u8, mark completed. */
  finalizeMs: number;
}

export interface PipelineSample {
  /** POST /api/media/transcode → the worker's `completed` event (row completed, master.m3u8 stored). */
  totalMs: number;
  /** CPU of this process (API, worker, harness) and of the ffprobe/ffmpeg runs it reaped; Postgres and Redis not included. */
  cpuS: number;
  /** The part of cpuS spent in this Node process itself (API, worker and harness), not in ffmpeg/ffprobe. */
  nodeCpuS: number;
  stages: StageBreakdown;
}

export interface PipelineRunner {
  runOnce(): Promise<PipelineSample>;
  close(): Promise<void>;
}

const JOB_TIMEOUT_MS = 15 * 60_000;

/** Resolves with the time the worker reported this file's job completed; rejects when it failed. */
export function waitForJob(worker: JobWorker<'transcode'>, fileId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      worker.off('completed', onCompleted);
      worker.off('failed', onFailed);
    };
    const onCompleted = (job: { data: TranscodeJobPayload }) => {
      // A chunked job's parts complete before it does, under the same file.
      if (job.data.fileId !== fileId || job.data.part) return;
      done();
      resolve(performance.now());
    };
    const onFailed = (job: { data: TranscodeJobPayload } | undefined, err: Error) => {
      if (job?.data.fileId !== fileId) return;
      done();
      reject(new Error(`transcode of ${fileId} failed: ${err.message}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`transcode of ${fileId} did not finish within ${JOB_TIMEOUT_MS / 60_000} min`));
    }, JOB_TIMEOUT_MS);
    worker.on('completed', onCompleted);
    worker.on('failed', onFailed);
  });
}

async function stageBreakdown(pool: pg.Pool, jobId: string): Promise<StageBreakdown> {
  const { rows } = await pool.query<{ kind: string; to: string | null; at_ms: number }>(
    `SELECT kind, data->>'to' AS "to", (extract(epoch FROM at) * 1000)::float8 AS at_ms FROM job_events WHERE job_id = $1 ORDER BY id`,
    [jobId],
  );
  const at = (kind: string, to?: string): number => {
    const row = rows.find((r) => r.kind === kind && (to === undefined || r.to === to));
    if (!row) throw new Error(`job ${jobId} has no ${to ?? kind} event (events: ${rows.map((r) => r.to ?? r.kind).join(', ')})`);
    return row.at_ms;
  };
  return {
    queueMs: at('processing') - at('queued'),
    probeMs: at('stage', 'encoding') - at('processing'),
    encodeAndImagesMs: at('stage', 'uploading') - at('stage', 'encoding'),
    uploadTailMs: at('stage', 'finalizing') - at('stage', 'uploading'),
    finalizeMs: at('completed') - at('stage', 'finalizing'),
  };
}

/**
 * The whole service in this process: real API and worker on a private schema, Redis and storage
 * directory (local driver, the zero-config default). One warm-up job on a short clip first, so
 * module loading and first connections are not billed to the first timed run.
 */
export async function startPipelineRunner(databaseUrl: string, source: Clip, warmup: Clip, log: (line: string) => void): Promise<PipelineRunner> {
  const cleanup = new CleanupStack((label, err) => log(`cleanup ${label} failed: ${(err as Error).message}`));
  try {
    const schema = await createBenchSchema(databaseUrl, 'pipeline');
    cleanup.defer('schema', () => schema.drop());
    const redis = await startPrivateRedis();
    cleanup.defer('redis', () => redis.stop());
    const storageDir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-bench-storage-'));
    cleanup.defer('storage dir', () => rm(storageDir, { recursive: true, force: true }));
    const stack = await startBenchStack({ schema, redisUrl: redis.url, queuePrefix: newQueuePrefix(), storage: { kind: 'local', dir: storageDir }, worker: true });
    cleanup.defer('stack', () => stack.close());
    const worker = stack.worker!.worker;

    const runJob = async (clip: Clip): Promise<PipelineSample> => {
      const fileId = await addFile(stack.files, clip, stack.api.storage);
      const completed = waitForJob(worker, fileId);
      const cpuBefore = await cpuSecondsSoFar();
      const nodeCpuBefore = ownCpuSecondsSoFar();
      const started = performance.now();
      const jobId = await submitTranscode(stack.baseUrl, { fileId });
      const totalMs = (await completed) - started;
      const cpuS = (await cpuSecondsSoFar()) - cpuBefore;
      const nodeCpuS = ownCpuSecondsSoFar() - nodeCpuBefore;
      const { rows } = await schema.pool.query<{ output_prefix: string | null }>('SELECT output_prefix FROM transcoding_jobs WHERE id = $1', [jobId]);
      const prefix = rows[0]?.output_prefix;
      if (!prefix || !(await stack.api.storage.stat(masterKey(prefix)))) throw new Error(`job ${jobId} completed without master.m3u8`);
      const stages = await stageBreakdown(schema.pool, jobId);
      await stack.api.storage.deletePrefix(fileOutputFolder(fileId));
      return { totalMs, cpuS, nodeCpuS, stages };
    };
    await runJob(warmup);
    return { runOnce: () => runJob(source), close: () => cleanup.close() };
  } catch (err) {
    await cleanup.close();
    throw err;
  }
}
