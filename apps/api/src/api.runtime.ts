import { storageDriverConfig, type Config } from '@reelforge/config';
import { ApiKeysRepository, createPool, FilesRepository, JobsRepository, WebhookDeliveriesRepository } from '@reelforge/db';
import { probe } from '@reelforge/ffmpeg';
import { ALLOWED_INPUT_FORMATS, parseProbe } from '@reelforge/media';
import { closeBullmq, createQueue, createRedisConnection } from '@reelforge/queue';
import { createStorageDriver, type StorageDriver } from '@reelforge/storage';
import { createWebhookNotifier, createWebhookQueue } from '@reelforge/webhooks';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { createLiveEvents } from './events/live-events.factory.js';
import { bullBoardRouter } from './http/bull-board.mount.js';
import { JobControlService } from './media/job-control.service.js';
import { JobStatusReader } from './media/job-status.reader.js';
import { MediaService } from './media/media.service.js';
import { createApiMetrics, QUEUE_STATES } from './metrics/api.metrics.js';
import { createPlayerDeps } from './player/player.factory.js';
import { buildOpenApiDocument } from './openapi/openapi.document.js';
import { eventsRoutes } from './routes/events.routes.js';
import { jobsListRoutes } from './routes/jobs-list.routes.js';
import { metricsRoutes } from './routes/metrics.routes.js';
import { openApiRoutes } from './routes/openapi.routes.js';
import { playerRoutes } from './routes/player.routes.js';
import { webhookDeliveriesRoutes } from './routes/webhook-deliveries.routes.js';

export interface ApiRuntime {
  app: Express;
  storage: StorageDriver;
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

  const files = new FilesRepository(pool);
  const jobs = new JobsRepository(pool);
  const deliveries = new WebhookDeliveriesRepository(pool);
  const media = new MediaService({
    files,
    jobs,
    storage,
    queue,
    queueRedis,
    logger,
    allowPrivateWebhooks: config.webhooks.allowPrivateNetworks,
    sniff: async (file) => {
      const info = parseProbe(await probe(file, { timeoutMs: 30_000, allowedFormats: ALLOWED_INPUT_FORMATS }));
      return { durationS: info.durationS, width: info.video?.displayWidth ?? null, height: info.video?.displayHeight ?? null };
    },
  });

  const jobControl = new JobControlService({
    files,
    jobs,
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

  const status = new JobStatusReader({ files, jobs, queue, publicUrl: (key) => storage.publicUrl(key) });
  const live = createLiveEvents({
    redisUrl: config.redis.url,
    prefix: config.queue.prefix,
    queueRedis,
    status: (fileId, caller) => status.read(fileId, caller),
    heartbeatMs: config.events.heartbeatMs,
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
    uploadTmpDir: config.uploads.tmpDir,
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
    bullBoard: bullBoardRouter({ queues: [queue, webhookQueue], credentials: config.bullBoard, production: config.env === 'production', logger }),
    httpMetrics: metrics.httpMetrics,
    publicRoutes: [
      metricsRoutes({ registry: metrics.registry, access: config.metrics }),
      openApiRoutes(buildOpenApiDocument()),
      playerRoutes(createPlayerDeps({ storage, files, jobs })),
    ],
    apiRoutes: [
      eventsRoutes({ events: live.service }),
      jobsListRoutes({ jobs, publicUrl: (key) => storage.publicUrl(key) }),
      webhookDeliveriesRoutes({ deliveries, queue: webhookQueue }),
    ],
  });
  if (config.auth.apiTokens.length === 0) logger.warn('API_TOKENS is empty: only API keys from the database (reelforge keys create) are accepted');

  return {
    app,
    storage,
    endStreams: () => live.service.closeAll(),
    async close() {
      await live.close();
      await Promise.allSettled([closeBullmq(queue, queueRedis), closeBullmq(webhookQueue, queueRedis), pool.end(), storage.close()]);
      queueRedis.disconnect();
    },
  };
}
