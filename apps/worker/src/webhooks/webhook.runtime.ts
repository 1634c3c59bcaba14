import type { Config } from '@reelforge/config';
import { WebhookDeliveriesRepository, type Job, type Queryable } from '@reelforge/db';
import { closeBullmq, createQueue, createRedisConnection, createWorker, type JobWorker } from '@reelforge/queue';
import type { StorageDriver } from '@reelforge/storage';
import { createWebhookNotifier, createWebhookProcessor, WebhookReconciler } from '@reelforge/webhooks';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface WebhookRuntime {
  /** Queues the webhook of a job that just settled; logs instead of throwing. */
  notify: (job: Job) => Promise<void>;
  worker: JobWorker<'webhooks'>;
  /** Puts back pending deliveries whose queue jobs Redis lost; run by the worker's reconcile loop. */
  reconciler: WebhookReconciler;
  /** Lets deliveries in flight finish (each is bounded by WEBHOOK_TIMEOUT_MS), then disconnects. */
  close(): Promise<void>;
}

export interface WebhookRuntimeDeps {
  db: Queryable;
  storage: Pick<StorageDriver, 'publicUrl'>;
  /** The worker's BullMQ connection; the webhook worker shares it. */
  connection: Redis;
  logger: Logger;
}

/**
 * The worker process's side of webhooks: a `webhooks` queue worker with its own concurrency, and the
 * notifier the transcode processor calls. Enqueueing uses a fail-fast connection, so a Redis outage
 * costs the webhook (recorded as failed) rather than holding up the transcode that just finished.
 */
export function createWebhookRuntime(config: Config, { db, storage, connection, logger }: WebhookRuntimeDeps): WebhookRuntime {
  const { secret, defaultUrl, attempts, backoffMs, timeoutMs, concurrency, allowPrivateNetworks } = config.webhooks;
  const log = logger.child({ component: 'webhooks' });
  if (!secret) {
    const message = 'WEBHOOK_SECRET is not set: webhook deliveries are recorded as failed instead of being sent unsigned';
    if (defaultUrl) log.warn(message);
    else log.info(message);
  }
  const deliveries = new WebhookDeliveriesRepository(db);
  const producer = createRedisConnection(config.redis.url!, 'producer');
  producer.on('error', (err) => log.warn({ err: err.message }, 'redis connection error (webhook producer)'));
  const queue = createQueue('webhooks', { connection: producer, prefix: config.queue.prefix, attempts, backoffDelayMs: backoffMs });
  queue.on('error', (err) => log.warn({ err: err.message }, 'webhook queue error'));
  const worker = createWorker('webhooks', createWebhookProcessor({ deliveries, secret, timeoutMs, allowPrivateNetworks, logger: log }), {
    connection,
    prefix: config.queue.prefix,
    concurrency,
  });
  worker.on('error', (err) => log.error({ err }, 'webhook worker error'));

  return {
    notify: createWebhookNotifier({ queue, deliveries, defaultUrl, publicUrl: (key) => storage.publicUrl(key), logger: log }),
    worker,
    reconciler: new WebhookReconciler({ queue, deliveries, logger: log }),
    async close() {
      await closeBullmq(worker, connection);
      await closeBullmq(queue, producer);
      producer.disconnect();
    },
  };
}
