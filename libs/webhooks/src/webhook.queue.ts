import { createQueue, type JobQueue } from '@reelforge/queue';
import type { Redis } from 'ioredis';
import { retryDelayMs, webhookRetrySchedule, type RetryScheduleSettings } from './webhook.retry-schedule.js';

/**
 * The `webhooks` queue, for every process that adds to it (API, worker, `reelforge reconcile`): each
 * delivery gets the attempts its retry schedule allows, and a custom backoff the delivering worker
 * computes with `webhookBackoffStrategy`.
 */
export function createWebhookQueue(options: { connection: Redis; prefix: string; retry: RetryScheduleSettings }): JobQueue<'webhooks'> {
  const { attempts } = webhookRetrySchedule(options.retry);
  return createQueue('webhooks', { connection: options.connection, prefix: options.prefix, attempts, backoff: 'custom' });
}

/** The worker's side of the same schedule: the wait after a failed try. */
export function webhookBackoffStrategy(retry: RetryScheduleSettings): (attemptsMade: number) => number {
  const schedule = webhookRetrySchedule(retry);
  return (attemptsMade) => retryDelayMs(schedule, attemptsMade);
}
