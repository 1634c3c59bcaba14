import type { WebhookDeliveriesRepository, WebhookDelivery } from '@reelforge/db';
import { toWebhookJobPayload, webhookBullJobId, type JobQueue } from '@reelforge/queue';
import { WebhookDeliveryNotFoundError, WebhookDeliveryPendingError } from './webhooks.errors.js';

export interface RedeliverDeps {
  queue: JobQueue<'webhooks'>;
  deliveries: Pick<WebhookDeliveriesRepository, 'markRedelivering' | 'findById'>;
}

/**
 * Sends a delivered or failed event again: the same event id and bytes, signed afresh (new timestamp,
 * the owner's secrets of today) as the next attempt, on the retry schedule. The caller has checked that
 * the delivery is visible to whoever asked. If the queue cannot take it now, the row stays pending and
 * the reconciler queues it.
 */
export async function redeliverWebhook(deliveryId: string, { queue, deliveries }: RedeliverDeps): Promise<WebhookDelivery> {
  const delivery = await deliveries.markRedelivering(deliveryId);
  if (!delivery) {
    if (await deliveries.findById(deliveryId)) throw new WebhookDeliveryPendingError(deliveryId);
    throw new WebhookDeliveryNotFoundError(deliveryId);
  }
  await queue.add(delivery.eventType, toWebhookJobPayload(delivery), { jobId: webhookBullJobId(delivery) });
  return delivery;
}
