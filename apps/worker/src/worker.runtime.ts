import { hostname } from 'node:os';
import { storageDriverConfig, type Config } from '@reelforge/config';
import { ChunksRepository, createPool, FilesRepository, JobAdmission, JobEventsRepository, JobsRepository } from '@reelforge/db';
import { checkFfmpeg } from '@reelforge/ffmpeg';
import { detectOrphanGuard } from '@reelforge/process';
import {
  checkRedisPolicy,
  closeBullmq,
  createQueue,
  createRedisConnection,
  createWorker,
  QueueReconciler,
  startReconcileLoop,
  subscribeCancel,
  type JobHandler,
  type JobWorker,
  type TranscodeJobPayload,
  type TranscodeProgress,
} from '@reelforge/queue';
import { Job as BullJob } from 'bullmq';
import { createStorageDriver } from '@reelforge/storage';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { instrumentProcessor } from './metrics/processor.instrument.js';
import { createWorkerMetrics, type WorkerMetrics } from './metrics/worker.metrics.js';
import { createTranscodeProcessor, LOCK_LOST_ABORT_REASON, SHUTDOWN_ABORT_REASON } from './transcode/transcode.processor.js';
import { TranscodeService } from './transcode/transcode.service.js';
import { ChunkedOutputPublisher } from './transcode/chunked/chunked-output.publisher.js';
import { ChunkedTranscode } from './transcode/chunked/chunked.transcode.js';
import { createPartProcessor } from './transcode/chunked/part.processor.js';
import { createImportRuntime } from './imports/import.runtime.js';
import { createWebhookRuntime } from './webhooks/webhook.runtime.js';

export interface WorkerRuntime {
  worker: JobWorker<'transcode'>;
  connection: Redis;
  workerId: string;
  /** Prometheus metrics, served on the health port. */
  metrics: WorkerMetrics;
  /** Reelforge job ids this worker is running now. */
  activeJobIds(): string[];
  /** Stops taking jobs, lets running ones finish for up to `graceMs`, then releases them to the queue. */
  close(graceMs: number): Promise<void>;
}

export class MissingEncoderError extends Error {
  readonly code = 'ffmpeg_missing';
}

/** Builds a transcode worker from configuration; every dependency is created here and passed down. */
export async function createWorkerRuntime(config: Config, logger: Logger): Promise<WorkerRuntime> {
  if (!config.database.url || !config.redis.url) {
    throw new Error('DATABASE_URL and REDIS_URL must be set; `npm start` starts embedded ones for development');
  }
  const workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const capabilities = await checkFfmpeg();
  if (!capabilities.encoders.libx264 || !capabilities.encoders.aac) {
    throw new MissingEncoderError("this ffmpeg lacks libx264 or aac; install Debian's ffmpeg package");
  }
  const orphanGuard = await detectOrphanGuard();
  if (orphanGuard.kind === 'none') logger.warn(orphanGuard.warning);

  const pool = createPool({
    connectionString: config.database.url,
    caCert: config.database.caCert,
    schema: config.database.schema,
    max: Math.max(2, config.worker.concurrency * 2),
    onError: (err) => logger.error({ err }, 'idle Postgres client error'),
  });
  const storage = createStorageDriver(storageDriverConfig(config));
  const connection = createRedisConnection(config.redis.url, 'worker');
  connection.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  for (const warning of (await checkRedisPolicy(connection)).warnings) logger.warn(warning);

  const jobs = new JobsRepository(pool);
  const files = new FilesRepository(pool);
  const service = new TranscodeService({
    storage,
    defaultLadder: {
      rungs: config.media.ladderHeights.map((height) => ({ height })),
      segmentSeconds: config.media.segmentSeconds,
      preset: config.media.x264Preset,
    },
    capabilities: { zscale: capabilities.filters.zscale && capabilities.filters.tonemap },
    inputLimits: config.limits.input,
    timeLimit: config.limits.jobTimeout,
    orphanGuard,
    chunking: config.media.chunking,
  });
  const metrics = createWorkerMetrics({ concurrency: config.worker.concurrency, activeJobs: () => active.size });
  const webhooks = await createWebhookRuntime(config, { db: pool, storage, connection, logger });
  // Parts of chunked jobs are children of their job, in the same queue: they share the worker's slots and the fair priorities.
  const queue = createQueue('transcode', { connection, prefix: config.queue.prefix, attempts: config.queue.attempts });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'transcode queue error'));
  const chunks = new ChunksRepository(pool);
  const publisher = new ChunkedOutputPublisher({ pool, storage });
  const chunkedTranscode = new ChunkedTranscode({ jobs, chunks, publisher, storage, queue, orphanGuard });
  const processor = createTranscodeProcessor({
    jobs,
    chunked: { chunks, transcode: chunkedTranscode },
    files,
    service,
    workerId,
    logger,
    metrics,
    onSettled: webhooks.notify,
    onPlayable: webhooks.notify,
    ...(config.quotas.maxRunningJobs !== null ? { runningLimit: { admission: new JobAdmission(pool), maxRunning: config.quotas.maxRunningJobs } } : {}),
  });
  const partProcessor = createPartProcessor(
    {
      jobs,
      files,
      chunks,
      publisher,
      storage,
      workerId,
      logger,
      timeLimit: config.limits.jobTimeout,
      orphanGuard,
      discardOutput: (fileId, jobId) => service.discardOutput(fileId, jobId),
      onPlayable: webhooks.notify,
      onSettled: webhooks.notify,
      reportProgress: async (part, update) => {
        const parentId = part.parent?.id;
        const parent = parentId ? await BullJob.fromId<TranscodeJobPayload>(queue, parentId) : undefined;
        const progress: TranscodeProgress = { stage: 'encoding', percent: update.percent, etaSeconds: null, speed: null, ...(update.playable ? { playable: true as const } : {}) };
        await parent?.updateProgress(progress);
      },
    },
    { shutdown: SHUTDOWN_ABORT_REASON, lockLost: LOCK_LOST_ABORT_REASON },
  );
  const dispatch: JobHandler<'transcode'> = (job, token, signal) =>
    job.data.part ? partProcessor(job as Parameters<typeof partProcessor>[0], token, signal) : processor(job, token, signal);
  const worker = createWorker('transcode', instrumentProcessor(dispatch, metrics), {
    connection,
    prefix: config.queue.prefix,
    concurrency: config.worker.concurrency,
    lockDurationMs: config.worker.lockDurationMs,
    stalledIntervalMs: config.worker.stalledIntervalMs,
    maxStalledCount: config.worker.maxStalledCount,
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));
  // A lock BullMQ could not renew is someone else's now (stall recovery) or gone (Redis lost it): stop that attempt.
  worker.on('lockRenewalFailed', (bullJobIds) => {
    for (const bullJobId of bullJobIds) {
      if (worker.cancelJob(bullJobId, LOCK_LOST_ABORT_REASON)) logger.warn({ bullJobId }, 'lost the lock of a running job: stopping it');
    }
  });

  // Cancel requests are broadcast; only the workers running the job (or its parts) act on it.
  const active = new Map<string, Set<string>>();
  worker.on('active', (job) => {
    if (!job.id) return;
    const running = active.get(job.data.jobId) ?? new Set<string>();
    running.add(job.id);
    active.set(job.data.jobId, running);
  });
  const forget = (job: { id?: string; data: TranscodeJobPayload } | undefined) => {
    const running = job && active.get(job.data.jobId);
    if (!running || !job.id) return;
    running.delete(job.id);
    if (running.size === 0) active.delete(job.data.jobId);
  };
  worker.on('completed', forget);
  worker.on('failed', forget);
  const subscriber = createRedisConnection(config.redis.url, 'worker');
  subscriber.on('error', (err) => logger.warn({ err: err.message }, 'redis subscriber error'));
  await subscribeCancel(subscriber, config.queue.prefix, (jobId) => {
    for (const bullId of active.get(jobId) ?? []) {
      if (worker.cancelJob(bullId, 'cancelled')) logger.info({ jobId, bullJobId: bullId }, 'cancel request: stopping ffmpeg');
    }
  });

  // Postgres is the truth: put back what Redis lost. Every worker runs the loop; a Redis lock spaces the runs out.
  const imports = createImportRuntime(config, { db: pool, storage, connection, transcodeQueue: queue, logger });
  const reconcileLoop =
    config.reconcile.intervalMs > 0
      ? startReconcileLoop({
          reconcilers: [new QueueReconciler({ queue, jobs, files, events: new JobEventsRepository(pool), logger }), webhooks.reconciler, imports.reconciler],
          redis: connection,
          prefix: config.queue.prefix,
          intervalMs: config.reconcile.intervalMs,
          owner: workerId,
          onError: (err) => logger.warn({ err }, 'reconcile run failed; will try again'),
        })
      : undefined;
  logger.info({ workerId, concurrency: config.worker.concurrency, ffmpeg: capabilities.ffmpegVersion }, 'reelforge worker started');

  let closing: Promise<void> | undefined;
  return {
    worker,
    connection,
    workerId,
    metrics,
    activeJobIds: () => [...active.keys()],
    close(graceMs) {
      closing ??= (async () => {
        reconcileLoop?.stop();
        // BullMQ's close waits for Redis; while Redis is unreachable that wait never ends. Running
        // jobs are then released in Postgres at once (the reconciler re-enqueues them) and the
        // connections dropped, so a deploy can always stop the worker.
        if (connection.status !== 'ready') {
          logger.warn('Redis is unreachable: releasing running jobs and dropping connections instead of waiting');
          worker.cancelAllJobs(SHUTDOWN_ABORT_REASON);
        }
        const grace = setTimeout(() => {
          logger.warn('grace period over: releasing running jobs to the queue');
          worker.cancelAllJobs(SHUTDOWN_ABORT_REASON);
        }, graceMs);
        await closeBullmq(worker, connection);
        clearTimeout(grace);
        // After the transcode worker: its last outcomes may still queue webhooks.
        await webhooks.close();
        // Before the transcode queue: a finishing import may still enqueue its waiting job.
        await imports.close();
        await closeBullmq(queue, connection);
        subscriber.disconnect();
        await Promise.allSettled([pool.end(), storage.close()]);
        connection.disconnect();
      })();
      return closing;
    },
  };
}
