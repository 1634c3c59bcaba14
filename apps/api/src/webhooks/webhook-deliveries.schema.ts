import { WEBHOOK_DELIVERY_STATUSES, WebhookEventTypeSchema, type WebhookDelivery, type WebhookDeliveryLogEntry } from '@reelforge/db';
import { z } from 'zod';

/** Query of GET /api/webhooks/deliveries. Unknown parameters are refused so a typo does not list everything. */
export const WebhookDeliveriesQuerySchema = z.strictObject({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  /** Administrators: one owner's deliveries. An API key always sees its own owner's only. */
  owner: z.string().min(1).max(200).optional(),
  /** `nextCursor` of the previous page, as given. */
  cursor: z.string().min(1).max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const DeliveryIdSchema = z.string().regex(/^[a-z0-9]{1,64}$/, 'a delivery id as listed by GET /api/webhooks/deliveries');

const AttemptViewSchema = z.object({
  attempt: z.number().int().positive(),
  at: z.iso.datetime(),
  outcome: z.enum(['delivered', 'retrying', 'failed']),
  responseStatus: z.number().int().nullable().describe("The receiver's HTTP status; null when it gave none (refused, timed out, not sent)"),
  error: z.string().nullable().describe('Why the attempt failed; a refusal before sending starts with its code (e.g. webhook_secret_missing)'),
});

export const WebhookDeliveryViewSchema = z.object({
  deliveryId: z.string(),
  owner: z.string(),
  jobId: z.string(),
  eventId: z.string().describe('The id receivers deduplicate on; unchanged by retries and redeliveries'),
  eventType: WebhookEventTypeSchema,
  url: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempt: z.number().int().nonnegative().describe('Attempts made so far, redeliveries included'),
  redelivery: z.number().int().nonnegative().describe('Times it was sent again on request'),
  responseStatus: z.number().int().nullable(),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  deliveredAt: z.iso.datetime().nullable(),
});
export type WebhookDeliveryView = z.infer<typeof WebhookDeliveryViewSchema>;

export const WebhookDeliveryLogEntrySchema = WebhookDeliveryViewSchema.extend({ attempts: z.array(AttemptViewSchema).describe('Oldest first') });

export const WebhookDeliveriesPageSchema = z.object({
  items: z.array(WebhookDeliveryLogEntrySchema).describe('Newest first'),
  nextCursor: z.string().nullable().describe('Pass as ?cursor= for the next page; null on the last page'),
});
export type WebhookDeliveriesPage = z.infer<typeof WebhookDeliveriesPageSchema>;

/** The one public view of a delivery row. */
export function toWebhookDeliveryView(d: WebhookDelivery): WebhookDeliveryView {
  return {
    deliveryId: d.id,
    owner: d.owner,
    jobId: d.jobId,
    eventId: d.eventId,
    eventType: d.eventType,
    url: d.url,
    status: d.status,
    attempt: d.attempt,
    redelivery: d.redelivery,
    responseStatus: d.responseStatus,
    error: d.error,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  };
}

export function toWebhookDeliveryLogEntry(d: WebhookDeliveryLogEntry): z.infer<typeof WebhookDeliveryLogEntrySchema> {
  return { ...toWebhookDeliveryView(d), attempts: d.attempts.map((a) => ({ ...a, at: a.at.toISOString() })) };
}
