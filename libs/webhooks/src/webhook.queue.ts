import { QueueName } from '@reelforge/queue';
import { Queue, Worker, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WebhookDeliveryResult, WebhookJobPayload } from './webhook-job.payload.js';

export type WebhookQueue = Queue<WebhookJobPayload, WebhookDeliveryResult>;

/** 8 attempts, 5 s doubling: retries over about 10 minutes (5+10+…+320 s) before a delivery fails. */
export const WEBHOOK_DEFAULTS = {
  attempts: 8,
  backoffDelayMs: 5_000,
  timeoutMs: 10_000,
  concurrency: 4,
} as const;

export interface WebhookQueueOptions {
  connection: Redis;
  /** Key prefix in Redis; the same one the transcode queue uses. */
  prefix: string;
  attempts?: number;
  /** First retry delay; each further retry waits twice as long. */
  backoffDelayMs?: number;
}

const DAY_S = 24 * 3600;

/** Its own queue, so slow or dead receivers never hold up transcodes (and show apart in Bull Board). */
export function createWebhookQueue({
  connection,
  prefix,
  attempts = WEBHOOK_DEFAULTS.attempts,
  backoffDelayMs = WEBHOOK_DEFAULTS.backoffDelayMs,
}: WebhookQueueOptions): WebhookQueue {
  return new Queue<WebhookJobPayload, WebhookDeliveryResult>(QueueName.webhooks, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts,
      backoff: { type: 'exponential', delay: backoffDelayMs },
      // Postgres keeps the durable record in webhook_deliveries.
      removeOnComplete: { age: 7 * DAY_S, count: 10_000 },
      removeOnFail: { age: 30 * DAY_S },
    },
  });
}

export interface WebhookWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency?: number;
  autorun?: boolean;
}

export function createWebhookWorker(
  processor: Processor<WebhookJobPayload, WebhookDeliveryResult>,
  options: WebhookWorkerOptions,
): Worker<WebhookJobPayload, WebhookDeliveryResult> {
  return new Worker<WebhookJobPayload, WebhookDeliveryResult>(QueueName.webhooks, processor, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? WEBHOOK_DEFAULTS.concurrency,
    autorun: options.autorun ?? true,
  });
}
