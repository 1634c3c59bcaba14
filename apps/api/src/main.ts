import path from 'node:path';
import { ConfigError, createLogger, loadConfig, type Config } from '@reelforge/config';
import { createPool, FilesRepository, JobsRepository } from '@reelforge/db';
import { probe } from '@reelforge/ffmpeg';
import { parseProbe } from '@reelforge/media';
import { createRedisConnection, createTranscodeQueue } from '@reelforge/queue';
import { createStorageDriver, LocalDriver } from '@reelforge/storage';
import { createApp } from './app.js';
import { bullBoardRouter } from './http/bull-board.mount.js';
import { MediaService } from './media/media.service.js';

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config, 'reelforge-api');
  if (!config.database.url || !config.redis.url) {
    logger.fatal('DATABASE_URL and REDIS_URL must be set; `npm start` starts embedded ones for development');
    process.exit(78);
  }
  const pool = createPool({
    connectionString: config.database.url,
    caCert: config.database.caCert,
    max: config.database.poolMax,
    onError: (err) => logger.error({ err }, 'idle Postgres client error'),
  });
  const queueRedis = createRedisConnection(config.redis.url, 'producer');
  queueRedis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const queue = createTranscodeQueue({ connection: queueRedis, prefix: config.queue.prefix, attempts: config.queue.attempts });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'transcode queue error'));
  const publicBaseUrl = config.http.publicBaseUrl ?? `http://localhost:${config.http.port}`;
  const storage = createStorageDriver(
    config.storage.driver === 'local'
      ? { driver: 'local', rootDir: config.storage.rootDir, publicBaseUrl }
      : { ...config.storage, publicBaseUrl: config.http.publicBaseUrl },
  );

  const media = new MediaService({
    files: new FilesRepository(pool),
    jobs: new JobsRepository(pool),
    storage,
    queue,
    queueRedis,
    logger,
    sniff: async (file) => {
      const info = parseProbe(await probe(file, { timeoutMs: 30_000 }));
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

  const server = app.listen(config.http.port, () => logger.info({ port: config.http.port }, 'reelforge api listening'));
  // Uploads can be long: let a request body take its time, but drop idle connections.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.allSettled([queue.close(), pool.end(), storage.close()]);
    queueRedis.disconnect();
    logger.info('api stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`reelforge api failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
