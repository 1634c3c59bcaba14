import { WebhookEventTypeSchema } from '@reelforge/db';
import { z } from 'zod';

/** What a `webhooks` queue job carries: everything one attempt needs, without a database read. */
export const WebhookJobPayloadSchema = z.object({
  deliveryId: z.string().min(1),
  url: z.string().min(1),
  eventId: z.string().min(1),
  eventType: WebhookEventTypeSchema,
  /** The serialized event: every attempt sends (and signs) exactly these bytes. */
  body: z.string().min(2),
});
export type WebhookJobPayload = z.infer<typeof WebhookJobPayloadSchema>;

export interface WebhookDeliveryResult {
  responseStatus: number;
  attempt: number;
}
