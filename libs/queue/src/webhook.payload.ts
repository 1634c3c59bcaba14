import { WebhookEventTypeSchema, type WebhookDelivery } from '@reelforge/db';
import { z } from 'zod';

/** What a `webhooks` queue job carries: everything one attempt needs, without a database read. */
export const WebhookJobPayloadSchema = z.object({
  deliveryId: z.string().min(1),
  /** Whose secrets sign it. Absent in jobs queued before owners had secrets: the processor reads the row. */
  owner: z.string().min(1).optional(),
  url: z.string().min(1),
  eventId: z.string().min(1),
  eventType: WebhookEventTypeSchema,
  /** The serialized event: every attempt sends (and signs) exactly these bytes. */
  body: z.string().min(2),
  /** Attempts recorded before this queue job existed (it replaces one Redis lost), so numbering goes on. */
  attemptsBefore: z.number().int().nonnegative().optional(),
});
export type WebhookJobPayload = z.infer<typeof WebhookJobPayloadSchema>;

export const WebhookDeliveryResultSchema = z.object({ responseStatus: z.int(), attempt: z.int().positive() });
export type WebhookDeliveryResult = z.infer<typeof WebhookDeliveryResultSchema>;

/**
 * The BullMQ job id of a delivery's current round: the delivery id, then `<id>.r<n>` for its n-th
 * redelivery, so a redelivery is never swallowed by the finished job of an earlier round (BullMQ keeps
 * it) and the reconciler looks for the round that is due.
 */
export function webhookBullJobId(delivery: Pick<WebhookDelivery, 'id' | 'redelivery'>): string {
  return delivery.redelivery === 0 ? delivery.id : `${delivery.id}.r${delivery.redelivery}`;
}

/** The queue job for a delivery row; the stored payload wins, so every add sends the bytes recorded first. */
export function toWebhookJobPayload(delivery: WebhookDelivery): WebhookJobPayload {
  return {
    deliveryId: delivery.id,
    owner: delivery.owner,
    url: delivery.url,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    body: JSON.stringify(delivery.payload),
    ...(delivery.attempt > 0 ? { attemptsBefore: delivery.attempt } : {}),
  };
}
