import { hostname } from 'node:os';
import { ConfigError, createLogger, loadConfig, type Config } from '@reelforge/config';
import { createPool, FilesRepository, JobsRepository } from '@reelforge/db';
import { checkFfmpeg, detectOrphanGuard } from '@reelforge/ffmpeg';
import {
  checkRedisPolicy,
  createRedisConnection,
  createTranscodeWorker,
  parseTranscodeBullJobId,
  subscribeCancel,
} from '@reelforge/queue';
import { createStorageDriver } from '@reelforge/storage';
import { startHealthServer } from './health.server.js';
import { createTranscodeProcessor, SHUTDOWN_ABORT_REASON } from './transcode/transcode.processor.js';
import { TranscodeService } from './transcode/transcode.service.js';

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
  const logger = createLogger(config, 'reelforge-worker');
  if (!config.database.url || !config.redis.url) {
    logger.fatal('DATABASE_URL and REDIS_URL must be set; `npm start` starts embedded ones for development');
    process.exit(78);
  }
  const workerId = `${hostname()}:${process.pid}`;

  const capabilities = await checkFfmpeg();
  if (!capabilities.encoders.libx264 || !capabilities.encoders.aac) {
    logger.fatal({ capabilities }, 'this ffmpeg lacks libx264 or aac; install Debian\'s ffmpeg package');
    process.exit(69); // EX_UNAVAILABLE
  }
  const orphanGuard = await detectOrphanGuard();
  if (orphanGuard.kind === 'none') logger.warn(orphanGuard.warning);

  const pool = createPool({
    connectionString: config.database.url,
    caCert: config.database.caCert,
    max: Math.max(2, config.worker.concurrency * 2),
    onError: (err) => logger.error({ err }, 'idle Postgres client error'),
  });
  const storage = createStorageDriver(
    config.storage.driver === 'local'
      ? { driver: 'local', rootDir: config.storage.rootDir, publicBaseUrl: config.http.publicBaseUrl ?? `http://localhost:${config.http.port}` }
      : { ...config.storage, publicBaseUrl: config.http.publicBaseUrl },
  );
  const connection = createRedisConnection(config.redis.url, 'worker');
  connection.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  for (const warning of (await checkRedisPolicy(connection)).warnings) logger.warn(warning);

  const jobs = new JobsRepository(pool);
  const service = new TranscodeService({
    storage,
    files: new FilesRepository(pool),
    defaultLadder: {
      rungs: config.media.ladderHeights.map((height) => ({ height })),
      segmentSeconds: config.media.segmentSeconds,
      preset: config.media.x264Preset,
    },
    capabilities: { zscale: capabilities.filters.zscale && capabilities.filters.tonemap },
    orphanGuard,
  });
  const worker = createTranscodeWorker(createTranscodeProcessor({ jobs, service, workerId, logger }), {
    connection,
    prefix: config.queue.prefix,
    concurrency: config.worker.concurrency,
    lockDurationMs: config.worker.lockDurationMs,
    stalledIntervalMs: config.worker.stalledIntervalMs,
    maxStalledCount: config.worker.maxStalledCount,
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));

  // Cancel requests are broadcast; only the worker running the job acts on it.
  const active = new Map<string, string>();
  worker.on('active', (job) => {
    const parsed = parseTranscodeBullJobId(job.id ?? '');
    if (parsed && job.id) active.set(parsed.jobId, job.id);
  });
  const forget = (job: { id?: string } | undefined) => {
    const parsed = parseTranscodeBullJobId(job?.id ?? '');
    if (parsed) active.delete(parsed.jobId);
  };
  worker.on('completed', forget);
  worker.on('failed', forget);
  const subscriber = createRedisConnection(config.redis.url, 'worker');
  subscriber.on('error', (err) => logger.warn({ err: err.message }, 'redis subscriber error'));
  await subscribeCancel(subscriber, config.queue.prefix, (jobId) => {
    const bullId = active.get(jobId);
    if (bullId && worker.cancelJob(bullId, 'cancelled')) logger.info({ jobId }, 'cancel request: stopping ffmpeg');
  });

  let running = true;
  const health = await startHealthServer(config.worker.healthPort, {
    running: () => running && worker.isRunning(),
    redisStatus: () => connection.status,
    activeJobs: () => active.size,
  });
  logger.info({ workerId, concurrency: config.worker.concurrency, ffmpeg: capabilities.ffmpegVersion }, 'reelforge worker started');

  const shutdown = async (signal: string) => {
    if (!running) return;
    running = false;
    logger.info({ signal, activeJobs: active.size, graceMs: config.worker.shutdownGraceMs }, 'shutting down: finishing current jobs');
    // Past the grace period, running jobs are handed back to the queue rather than killed mid-flight silently.
    const grace = setTimeout(() => {
      logger.warn('grace period over: releasing running jobs');
      worker.cancelAllJobs(SHUTDOWN_ABORT_REASON);
    }, config.worker.shutdownGraceMs);
    await worker.close();
    clearTimeout(grace);
    health.close();
    subscriber.disconnect();
    await Promise.allSettled([pool.end(), storage.close()]);
    connection.disconnect();
    logger.info('worker stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`reelforge worker failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
