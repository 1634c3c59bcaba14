import { z } from 'zod';

export const WEBHOOK_EVENT_TYPES = ['transcode.playable', 'transcode.completed', 'transcode.failed', 'transcode.cancelled'] as const;
export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>;
/** What a job that named no `webhookEvents` receives: how it ended, as before playable existed. */
export const DEFAULT_WEBHOOK_EVENTS: readonly WebhookEventType[] = ['transcode.completed', 'transcode.failed', 'transcode.cancelled'];

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export const WebhookDeliveryStatusSchema = z.enum(WEBHOOK_DELIVERY_STATUSES);
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatusSchema>;

export const WEBHOOK_ATTEMPT_OUTCOMES = ['delivered', 'retrying', 'failed'] as const;

/** One try to send a delivery, as recorded in `webhook_delivery_attempts`. */
export const WebhookDeliveryAttemptSchema = z.object({
  attempt: z.number().int().positive(),
  at: z.date(),
  outcome: z.enum(WEBHOOK_ATTEMPT_OUTCOMES),
  responseStatus: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type WebhookDeliveryAttempt = z.infer<typeof WebhookDeliveryAttemptSchema>;

export const WebhookDeliverySchema = z.object({
  id: z.string(),
  jobId: z.string(),
  /** The job's owner: whose secret signs the event, and who sees the delivery in the log. */
  owner: z.string(),
  url: z.string(),
  eventType: WebhookEventTypeSchema,
  eventId: z.string(),
  /** The event body exactly as it is sent. */
  payload: z.record(z.string(), z.unknown()),
  /** Attempts made so far (0 until the first one finished). */
  attempt: z.number().int().nonnegative(),
  /** Times it was sent again on request (0 for the original delivery). */
  redelivery: z.number().int().nonnegative(),
  status: WebhookDeliveryStatusSchema,
  /** HTTP status of the last attempt; null when it got no response (refused, timed out). */
  responseStatus: z.number().int().nullable(),
  /** Why the last attempt failed; null once delivered. */
  error: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  deliveredAt: z.date().nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export interface WebhookDeliveryRow {
  id: string;
  job_id: string;
  owner: string;
  url: string;
  event_type: WebhookEventType;
  event_id: string;
  payload: Record<string, unknown>;
  attempt: number;
  redelivery: number;
  status: WebhookDeliveryStatus;
  response_status: number | null;
  error: string | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
}

export function toWebhookDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    jobId: row.job_id,
    owner: row.owner,
    url: row.url,
    eventType: row.event_type,
    eventId: row.event_id,
    payload: row.payload,
    attempt: row.attempt,
    redelivery: row.redelivery,
    status: row.status,
    responseStatus: row.response_status,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
  };
}
