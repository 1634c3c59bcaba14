import type { Config } from '@reelforge/config';
import { createPool, FilesRepository, JobEventsRepository, JobsRepository, WebhookDeliveriesRepository } from '@reelforge/db';
import { createQueue, createRedisConnection, QueueReconciler, type JobQueue, type ReconcileReport, type TranscodeQueue } from '@reelforge/queue';
import { createWebhookQueue, WebhookReconciler, type WebhookReconcileReport } from '@reelforge/webhooks';
import { ExitCode } from '../exit.codes.js';

/**
 * One reconciler run from the command line (after a Redis flush or failover, or from a cron job):
 * re-enqueues what Postgres says is queued/processing, and the pending webhook deliveries, that
 * BullMQ has lost. Workers also run it every RECONCILE_INTERVAL_S; running both at once is safe
 * (adds use ids Postgres recorded, which BullMQ collapses).
 */
export async function runReconcile(config: Config, log: (line: string) => void): Promise<number> {
  if (!config.database.url || !config.redis.url) {
    log('error: DATABASE_URL and REDIS_URL must be set to the installation to reconcile');
    return ExitCode.config;
  }
  const pool = createPool({
    connectionString: config.database.url,
    caCert: config.database.caCert,
    schema: config.database.schema,
    max: 2,
    onError: (err) => log(`postgres: ${err.message}`),
  });
  // Fail fast instead of waiting for a Redis that is not there: this is a one-shot command.
  const redis = createRedisConnection(config.redis.url, 'producer', { lazyConnect: true, retryStrategy: () => null });
  let redisError: Error | undefined;
  redis.on('error', (err: Error) => (redisError = err));
  let queue: TranscodeQueue | undefined;
  let webhookQueue: JobQueue<'webhooks'> | undefined;
  try {
    // Connected before the queue exists: BullMQ would otherwise start connecting on its own.
    const connectRedis = () => redis.connect().catch((err: unknown) => Promise.reject(redisError ?? err));
    const unreachable = (await reach('Redis', connectRedis, log)) ?? (await reach('Postgres', () => pool.query('SELECT 1'), log));
    if (unreachable !== undefined) return unreachable;
    queue = createQueue('transcode', { connection: redis, prefix: config.queue.prefix, attempts: config.queue.attempts });
    const reconciler = new QueueReconciler({
      queue,
      jobs: new JobsRepository(pool),
      files: new FilesRepository(pool),
      events: new JobEventsRepository(pool),
    });
    log(formatReconcileReport(await reconciler.reconcileOnce()));
    webhookQueue = createWebhookQueue({ connection: redis, prefix: config.queue.prefix, retry: config.webhooks });
    const webhooks = new WebhookReconciler({ queue: webhookQueue, deliveries: new WebhookDeliveriesRepository(pool) });
    log(formatWebhookReconcileReport(await webhooks.reconcileOnce()));
    return ExitCode.ok;
  } finally {
    await webhookQueue?.close().catch(() => undefined);
    await queue?.close().catch(() => undefined);
    redis.disconnect();
    await pool.end();
  }
}

/** ExitCode.unavailable with a one-line reason, or undefined when `connect` worked. */
async function reach(what: string, connect: () => Promise<unknown>, log: (line: string) => void): Promise<ExitCode | undefined> {
  try {
    await connect();
    return undefined;
  } catch (err) {
    log(`error: cannot reach ${what}: ${(err as Error).message}`);
    return ExitCode.unavailable;
  }
}

export function formatReconcileReport(report: ReconcileReport): string {
  const parts = [`checked ${report.checked} queued/processing job${report.checked === 1 ? '' : 's'}`];
  parts.push(report.requeued.length === 0 ? 'nothing to re-enqueue' : `re-enqueued ${report.requeued.join(', ')}`);
  if (report.failed.length > 0) parts.push(`marked failed (the queue had given up): ${report.failed.join(', ')}`);
  return parts.join('; ');
}

export function formatWebhookReconcileReport(report: WebhookReconcileReport): string {
  const parts = [`checked ${report.checked} pending webhook deliver${report.checked === 1 ? 'y' : 'ies'}`];
  parts.push(report.requeued.length === 0 ? 'nothing to re-queue' : `re-queued ${report.requeued.join(', ')}`);
  if (report.failed.length > 0) parts.push(`marked failed (the queue had given up): ${report.failed.join(', ')}`);
  return parts.join('; ');
}
