import type { Job, WebhookDeliveriesRepository, WebhookDelivery } from '@reelforge/db';
import { toWebhookJobPayload, webhookBullJobId, type JobQueue } from '@reelforge/queue';
import type { Logger } from 'pino';
import { buildWebhookEvent, subscribesTo } from './webhook.event.js';
import { assertDeliverableUrl } from './webhook.sender.js';

export interface WebhookEnqueueDeps {
  queue: JobQueue<'webhooks'>;
  deliveries: Pick<WebhookDeliveriesRepository, 'createPending'>;
  /** WEBHOOK_DEFAULT_URL: the receiver for jobs that named none. */
  defaultUrl: string | undefined;
  /** Public URL of a storage key, for the event's hlsUrl. */
  publicUrl: (key: string) => string;
  now?: () => Date;
}

/**
 * Records a pending delivery for a job that just became playable or reached completed, failed or
 * cancelled, and queues it on the `webhooks` queue. Returns null when there is nothing to send (no
 * receiver URL, an event the request did not ask for, or the job is queued or not yet playable). Call it after the guarded transition succeeded, from whoever made it: the
 * delivery is keyed by a deterministic event id, so calling it twice sends once. When the queue
 * cannot take it, the row stays pending and the webhook reconciler queues it later.
 */
export async function enqueueWebhookFor(job: Job, deps: WebhookEnqueueDeps): Promise<WebhookDelivery | null> {
  const url = job.webhookUrl ?? deps.defaultUrl;
  if (!url) return null;
  const event = buildWebhookEvent(job, { publicUrl: deps.publicUrl, now: deps.now?.() ?? new Date() });
  if (!event || !subscribesTo(job, event.type)) return null;
  assertDeliverableUrl(url);

  const { delivery } = await deps.deliveries.createPending({ jobId: job.id, owner: job.owner, url, eventType: event.type, eventId: event.id, payload: event });
  if (delivery.status !== 'pending') return delivery;
  // The delivery id is the BullMQ id: a second add of the same delivery is ignored by BullMQ.
  await deps.queue.add(delivery.eventType, toWebhookJobPayload(delivery), { jobId: webhookBullJobId(delivery) });
  return delivery;
}

/**
 * `enqueueWebhookFor` for callers whose own work must not fail because of a webhook (the transcode
 * processor, the cancel route): errors are logged, never thrown.
 */
export function createWebhookNotifier(deps: WebhookEnqueueDeps & { logger: Logger }): (job: Job) => Promise<void> {
  return async (job) => {
    try {
      const delivery = await enqueueWebhookFor(job, deps);
      if (delivery) deps.logger.debug({ jobId: job.id, deliveryId: delivery.id, eventType: delivery.eventType }, 'webhook queued');
    } catch (err) {
      deps.logger.error({ err, jobId: job.id }, 'could not queue the webhook for this job; the reconciler will, and the transcode outcome stands');
    }
  };
}
