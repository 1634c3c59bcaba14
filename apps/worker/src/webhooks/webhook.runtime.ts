import type { Config } from '@reelforge/config';
import { WebhookDeliveriesRepository, WebhookSecretsRepository, type Job, type Queryable } from '@reelforge/db';
import { closeBullmq, createRedisConnection, createWorker, type JobWorker } from '@reelforge/queue';
import type { StorageDriver } from '@reelforge/storage';
import {
  createSigningSecrets,
  createWebhookNotifier,
  createWebhookProcessor,
  createWebhookQueue,
  operatorKey,
  OwnerSecretsStore,
  webhookBackoffStrategy,
  WebhookReconciler,
  WebhookSecretKeyError,
} from '@reelforge/webhooks';
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
export async function createWebhookRuntime(config: Config, { db, storage, connection, logger }: WebhookRuntimeDeps): Promise<WebhookRuntime> {
  const { secret, secretsKeys, defaultUrl, timeoutMs, concurrency, allowPrivateNetworks } = config.webhooks;
  const log = logger.child({ component: 'webhooks' });
  if (!secret) {
    const message = "WEBHOOK_SECRET is not set: administrators' webhook deliveries are recorded as failed instead of being sent unsigned";
    if (defaultUrl) log.warn(message);
    else log.info(message);
  }
  const secrets = new WebhookSecretsRepository(db);
  const owners = secretsKeys.length > 0 ? new OwnerSecretsStore(secrets, secretsKeys.map(operatorKey)) : undefined;
  if (!owners && (await secrets.anyActive())) {
    const message = "is not set, yet owners have webhook secrets sealed with it: their deliveries fail with webhook_secret_missing until it is set";
    // Production refuses to start rather than silently failing every tenant's webhooks.
    if (config.env === 'production') throw new WebhookSecretKeyError(message);
    log.warn(`WEBHOOK_SECRETS_KEY ${message}`);
  }
  const deliveries = new WebhookDeliveriesRepository(db);
  const producer = createRedisConnection(config.redis.url!, 'producer');
  producer.on('error', (err) => log.warn({ err: err.message }, 'redis connection error (webhook producer)'));
  const queue = createWebhookQueue({ connection: producer, prefix: config.queue.prefix, retry: config.webhooks });
  queue.on('error', (err) => log.warn({ err: err.message }, 'webhook queue error'));
  const signingSecrets = createSigningSecrets({ adminSecret: secret, owners });
  const worker = createWorker('webhooks', createWebhookProcessor({ deliveries, signingSecrets, timeoutMs, allowPrivateNetworks, logger: log }), {
    connection,
    prefix: config.queue.prefix,
    concurrency,
    backoffStrategy: webhookBackoffStrategy(config.webhooks),
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
