import { storageDriverConfig, type Config } from '@reelforge/config';
import { ApiKeysRepository, createPool, DirectUploadsRepository, FilesRepository, JobAdmission, JobsRepository, UsageRepository, WebhookDeliveriesRepository } from '@reelforge/db';
import { createMediaSniffer } from '@reelforge/ffmpeg';
import { closeBullmq, createQueue, createRedisConnection } from '@reelforge/queue';
import { createStorageDriver, DEFAULT_PART_SIZE_BYTES, S3DirectUploads, type StorageDriver } from '@reelforge/storage';
import { createWebhookNotifier, createWebhookQueue } from '@reelforge/webhooks';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { createLiveEvents } from './events/live-events.factory.js';
import { bullBoardRouter } from './http/bull-board.mount.js';
import { FileDeletionService } from './media/file-deletion.service.js';
import { JobControlService } from './media/job-control.service.js';
import { JobStatusReader } from './media/job-status.reader.js';
import { MediaService } from './media/media.service.js';
import { createApiMetrics, QUEUE_STATES } from './metrics/api.metrics.js';
import { createPlayerDeps } from './player/player.factory.js';
import { buildOpenApiDocument } from './openapi/openapi.document.js';
import { eventsRoutes } from './routes/events.routes.js';
import { filesRoutes } from './routes/files.routes.js';
import { jobsListRoutes } from './routes/jobs-list.routes.js';
import { metricsRoutes } from './routes/metrics.routes.js';
import { openApiRoutes } from './routes/openapi.routes.js';
import { playerRoutes } from './routes/player.routes.js';
import { directUploadsRoutes } from './routes/direct-uploads.routes.js';
import { uploadsPreflightRoutes, uploadsRoutes } from './routes/uploads.routes.js';
import { DirectUploadsService } from './uploads/direct-uploads.service.js';
import { RedisLocker } from './uploads/redis.locker.js';
import { ResumableUploads } from './uploads/resumable-uploads.js';
import { usageRoutes } from './routes/usage.routes.js';
import { webhookDeliveriesRoutes } from './routes/webhook-deliveries.routes.js';

export interface ApiRuntime {
  app: Express;
  storage: StorageDriver;
  /** Resumable (tus) uploads; exposed so tests can run the expiry sweep without waiting for its timer. */
  resumable: ResumableUploads;
  /** Direct-to-bucket uploads; exposed so tests can run the expiry sweep without waiting for its timer. */
  directUploads: DirectUploadsService;
  /** Ends open live progress streams, so the HTTP server can close; clients reconnect to another replica. */
  endStreams(): void;
  close(): Promise<void>;
}

/** Builds the API from configuration: every dependency is created here and passed down explicitly. */
export function createApiRuntime(config: Config, logger: Logger): ApiRuntime {
  if (!config.database.url || !config.redis.url) {
    throw new Error('DATABASE_URL and REDIS_URL must be set; `npm start` starts embedded ones for development');
  }
  const pool = createPool({
    connectionString: config.database.url,
    caCert: config.database.caCert,
    schema: config.database.schema,
    max: config.database.poolMax,
    onError: (err) => logger.error({ err }, 'idle Postgres client error'),
  });
  const queueRedis = createRedisConnection(config.redis.url, 'producer');
  queueRedis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const queue = createQueue('transcode', { connection: queueRedis, prefix: config.queue.prefix, attempts: config.queue.attempts });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'transcode queue error'));
  // Deliveries run in the workers; the API adds cancel events to it and shows it in Bull Board.
  const webhookQueue = createWebhookQueue({ connection: queueRedis, prefix: config.queue.prefix, retry: config.webhooks });
  webhookQueue.on('error', (err) => logger.warn({ err: err.message }, 'webhook queue error'));
  const storage = createStorageDriver(storageDriverConfig(config));
  // Fetched by the workers: a failed import is recorded on the file, never retried blindly.
  const importQueue = createQueue('imports', { connection: queueRedis, prefix: config.queue.prefix, attempts: 1 });
  importQueue.on('error', (err) => logger.warn({ err: err.message }, 'import queue error'));

  const files = new FilesRepository(pool);
  const jobs = new JobsRepository(pool);
  const admission = new JobAdmission(pool);
  const quotas = { maxQueuedJobs: config.quotas.maxQueuedJobs };
  const deliveries = new WebhookDeliveriesRepository(pool);
  const media = new MediaService({
    files,
    jobs,
    admission,
    quotas,
    storage,
    queue,
    queueRedis,
    logger,
    allowPrivateWebhooks: config.webhooks.allowPrivateNetworks,
    sniff: createMediaSniffer(config.limits.input),
    importQueue,
    allowPrivateImports: config.imports.allowPrivateNetworks,
    ladderBounds: config.limits.ladder,
  });

  const resumable = new ResumableUploads({
    dir: config.resumableUploads.dir,
    expiryMs: config.resumableUploads.expiryMs,
    maxBytes: config.uploads.maxBytes,
    locker: new RedisLocker({ redis: queueRedis, keyPrefix: config.queue.prefix }),
    media,
    logger,
  });
  // Every replica sweeps; removing an upload another replica already removed is harmless.
  const sweep = setInterval(() => {
    resumable.sweepExpired().then(
      (removed) => removed > 0 && logger.info({ removed }, 'removed expired resumable uploads'),
      (err: unknown) => logger.warn({ err }, 'sweeping expired resumable uploads failed'),
    );
  }, config.resumableUploads.sweepIntervalMs);
  sweep.unref();

  const jobControl = new JobControlService({
    files,
    jobs,
    admission,
    quotas,
    queue,
    queueRedis,
    queuePrefix: config.queue.prefix,
    logger,
    onCancelled: createWebhookNotifier({
      queue: webhookQueue,
      deliveries,
      defaultUrl: config.webhooks.defaultUrl,
      publicUrl: (key) => storage.publicUrl(key),
      logger,
    }),
  });

  const deletion = new FileDeletionService({ files, jobs, jobControl, storage, logger });
  // Only S3-compatible storage has presigned multipart uploads; with local storage the routes say so.
  const bucket = config.storage.driver === 's3' ? new S3DirectUploads(config.storage) : null;
  const directUploads = new DirectUploadsService({
    uploads: new DirectUploadsRepository(pool),
    files,
    jobs,
    bucket,
    storage,
    media,
    deletion,
    importQueue,
    queueRedis,
    maxBytes: config.uploads.maxBytes,
    partSizeBytes: DEFAULT_PART_SIZE_BYTES,
    expiryMs: config.resumableUploads.expiryMs,
    logger,
  });
  // Like the tus sweep: every replica runs it; each expired upload is claimed by one.
  const directSweep = setInterval(() => {
    directUploads.sweepExpired().then(
      (swept) => swept > 0 && logger.info({ swept }, 'aborted expired direct uploads'),
      (err: unknown) => logger.warn({ err }, 'sweeping expired direct uploads failed'),
    );
  }, config.resumableUploads.sweepIntervalMs);
  directSweep.unref();

  const status = new JobStatusReader({ files, jobs, queue, publicUrl: (key) => storage.publicUrl(key) });
  const live = createLiveEvents({
    redisUrl: config.redis.url,
    prefix: config.queue.prefix,
    queueRedis,
    status: (fileId, caller) => status.read(fileId, caller),
    heartbeatMs: config.events.heartbeatMs,
    streamLimits: { perOwner: config.events.maxStreamsPerOwner, total: config.events.maxStreams },
    logger,
  });
  const metrics = createApiMetrics({
    jobsByStatus: () => jobs.countByStatus(),
    queueCounts: () => queue.getJobCounts(...QUEUE_STATES),
    openStreams: () => live.service.openStreams(),
    logger,
  });

  const app = createApp({
    logger,
    media,
    status,
    jobControl,
    apiTokens: config.auth.apiTokens,
    apiKeys: new ApiKeysRepository(pool),
    maxUploadBytes: config.uploads.maxBytes,
    trustProxy: config.http.trustProxy,
    uploadTmpDir: config.uploads.tmpDir,
    uploadDeadlineMs: config.uploads.deadlineMs,
    readiness: {
      postgres: async () => {
        await pool.query('SELECT 1');
      },
      redis: async () => {
        await queueRedis.ping();
      },
      storage: () => storage.checkHealth(),
    },
    localHlsDir: storage.localPath('hls') ?? undefined,
    bullBoard: bullBoardRouter({
      queues: [queue, webhookQueue, importQueue],
      credentials: config.bullBoard,
      readOnly: config.bullBoardReadOnly,
      production: config.env === 'production',
      logger,
    }),
    httpMetrics: metrics.httpMetrics,
    publicRoutes: [
      metricsRoutes({ registry: metrics.registry, access: config.metrics }),
      openApiRoutes(buildOpenApiDocument()),
      playerRoutes(createPlayerDeps({ storage, files, jobs })),
      uploadsPreflightRoutes(resumable),
    ],
    apiRoutes: [
      eventsRoutes({ events: live.service }),
      jobsListRoutes({ jobs, publicUrl: (key) => storage.publicUrl(key) }),
      filesRoutes({ files, jobs, deletion }),
      directUploadsRoutes(directUploads),
      uploadsRoutes(resumable),
      usageRoutes({ usage: new UsageRepository(pool) }),
      webhookDeliveriesRoutes({ deliveries, queue: webhookQueue }),
    ],
  });
  if (config.auth.apiTokens.length === 0) logger.warn('API_TOKENS is empty: only API keys from the database (reelforge keys create) are accepted');

  return {
    app,
    storage,
    resumable,
    directUploads,
    endStreams: () => live.service.closeAll(),
    async close() {
      clearInterval(sweep);
      clearInterval(directSweep);
      await live.close();
      await Promise.allSettled([closeBullmq(queue, queueRedis), closeBullmq(webhookQueue, queueRedis), closeBullmq(importQueue, queueRedis), pool.end(), storage.close(), bucket?.close()]);
      queueRedis.disconnect();
    },
  };
}
