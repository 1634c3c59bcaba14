import { WebhookEventTypeSchema, type WebhookDelivery } from '@reelforge/db';
import { z } from 'zod';

/** What a `webhooks` queue job carries: everything one attempt needs, without a database read. */
export const WebhookJobPayloadSchema = z.object({
  deliveryId: z.string().min(1),
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

/** The queue job for a delivery row; the stored payload wins, so every add sends the bytes recorded first. */
export function toWebhookJobPayload(delivery: WebhookDelivery): WebhookJobPayload {
  return {
    deliveryId: delivery.id,
    url: delivery.url,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    body: JSON.stringify(delivery.payload),
    ...(delivery.attempt > 0 ? { attemptsBefore: delivery.attempt } : {}),
  };
}
