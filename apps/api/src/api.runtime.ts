import path from 'node:path';
import { storageDriverConfig, type Config } from '@reelforge/config';
import { createPool, FilesRepository, JobsRepository } from '@reelforge/db';
import { probe } from '@reelforge/ffmpeg';
import { parseProbe } from '@reelforge/media';
import { createRedisConnection, createTranscodeQueue } from '@reelforge/queue';
import { createStorageDriver, LocalDriver, type StorageDriver } from '@reelforge/storage';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { bullBoardRouter } from './http/bull-board.mount.js';
import { MediaService } from './media/media.service.js';

export interface ApiRuntime {
  app: Express;
  storage: StorageDriver;
  close(): Promise<void>;
}

/** Demuxers an upload may be read with; anything else (HLS playlists, concat lists, images) is refused. */
export const ALLOWED_INPUT_FORMATS = ['mov', 'mp4', 'matroska', 'webm', 'avi', 'mpegts', 'flv', 'mpeg', 'ogg', 'wav', 'mp3', 'aac', 'flac', 'asf'] as const;

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
  const queue = createTranscodeQueue({ connection: queueRedis, prefix: config.queue.prefix, attempts: config.queue.attempts });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'transcode queue error'));
  const storage = createStorageDriver(storageDriverConfig(config));

  const media = new MediaService({
    files: new FilesRepository(pool),
    jobs: new JobsRepository(pool),
    storage,
    queue,
    queueRedis,
    logger,
    sniff: async (file) => {
      const info = parseProbe(await probe(file, { timeoutMs: 30_000, allowedFormats: ALLOWED_INPUT_FORMATS }));
      return { durationS: info.durationS, width: info.video?.displayWidth ?? null, height: info.video?.displayHeight ?? null };
    },
  });

  const app = createApp({
    logger,
    media,
    apiTokens: config.auth.apiTokens,
    maxUploadBytes: config.uploads.maxBytes,
    readiness: {
      postgres: async () => {
        await pool.query('SELECT 1');
      },
      redis: async () => {
        await queueRedis.ping();
      },
      storage: () => storage.checkHealth(),
    },
    localHlsDir: storage instanceof LocalDriver ? path.join(storage.rootDir, 'hls') : undefined,
    bullBoard: bullBoardRouter({ queues: [queue], credentials: config.bullBoard, production: config.env === 'production', logger }),
  });
  if (config.auth.apiTokens.length === 0) logger.warn('API_TOKENS is empty: every /api request will be refused with 401');

  return {
    app,
    storage,
    async close() {
      await Promise.allSettled([queue.close(), pool.end(), storage.close()]);
      queueRedis.disconnect();
    },
  };
}
