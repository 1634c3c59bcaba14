import { createLogger, loadConfigOrExit } from '@reelforge/config';
import { startHealthServer } from './health.server.js';
import { createWorkerRuntime } from './worker.runtime.js';

const config = loadConfigOrExit('worker');
const logger = createLogger(config, 'reelforge-worker');

try {
  const runtime = await createWorkerRuntime(config, logger);
  let running = true;
  const health = await startHealthServer(
    config.worker.healthPort,
    {
      running: () => running && runtime.worker.isRunning(),
      redisStatus: () => runtime.connection.status,
      activeJobs: () => runtime.activeJobIds().length,
    },
    { registry: runtime.metrics.registry, access: config.metrics },
  );
  const shutdown = async (signal: string) => {
    if (!running) return;
    running = false;
    logger.info({ signal, activeJobs: runtime.activeJobIds(), graceMs: config.worker.shutdownGraceMs }, 'shutting down: finishing current jobs');
    await runtime.close(config.worker.shutdownGraceMs);
    health.close();
    logger.info('worker stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
} catch (err) {
  logger.fatal({ err }, 'reelforge worker failed to start');
  process.exit((err as { code?: string }).code === 'ffmpeg_missing' ? 69 : 1);
}
