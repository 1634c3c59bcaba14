import { createHash } from 'node:crypto';
import {
  DEFAULT_WEBHOOK_EVENTS,
  isPlayable,
  JobViewSchema,
  toJobView,
  WebhookEventTypeSchema,
  type Job,
  type JobStatus,
  type WebhookEventType,
} from '@reelforge/db';
import { z } from 'zod';

/** The JSON body Reelforge POSTs to a receiver. */
export const WebhookEventSchema = z.object({
  /** Stable per event: receivers deduplicate on it (delivery is at least once). */
  id: z.string(),
  type: WebhookEventTypeSchema,
  /** ISO 8601, when the event was created (not when this attempt was sent). */
  createdAt: z.string(),
  /** Whose job it is: signed with the body, so a receiver can check the event is for the owner it expects. */
  owner: z.string(),
  /** The job as the status route shows it, in part: hlsUrl (the master playlist) is null unless playable or completed. */
  data: JobViewSchema.pick({ jobId: true, fileId: true, status: true, renditions: true, hlsUrl: true, error: true }),
});
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

const EVENT_TYPE_BY_STATUS: Record<JobStatus, WebhookEventType | null> = {
  queued: null,
  processing: null,
  completed: 'transcode.completed',
  failed: 'transcode.failed',
  cancelled: 'transcode.cancelled',
};

/** The event a job in this status announces; null while it is still active. */
export function eventTypeFor(status: JobStatus): WebhookEventType | null {
  return EVENT_TYPE_BY_STATUS[status];
}

/**
 * The event a job announces now: how it ended, or `transcode.playable` while it runs with its master
 * playlist published; null otherwise.
 */
export function webhookEventTypeOf(job: Pick<Job, 'status' | 'playableAt' | 'outputPrefix'>): WebhookEventType | null {
  if (job.status === 'processing') return isPlayable(job) ? 'transcode.playable' : null;
  return eventTypeFor(job.status);
}

/** Whether the job's request asked for this event (`webhookEvents`, or the end events by default). */
export function subscribesTo(job: Pick<Job, 'webhookEvents'>, type: WebhookEventType): boolean {
  return (job.webhookEvents ?? DEFAULT_WEBHOOK_EVENTS).includes(type);
}

/**
 * Derived from the job, its outcome and when it finished (or became playable), so enqueueing the same
 * event twice yields the same id (and one delivery), while a retried job that gets there again gets a new one.
 */
export function webhookEventId(job: Pick<Job, 'id' | 'status' | 'playableAt' | 'finishedAt' | 'updatedAt'>): string {
  const at = ((job.status === 'processing' ? job.playableAt : job.finishedAt) ?? job.updatedAt).toISOString();
  return `evt_${createHash('sha256').update(`${job.id}|${job.status}|${at}`).digest('hex').slice(0, 32)}`;
}

export interface BuildWebhookEventOptions {
  /** Public URL of a storage key (the storage driver's `publicUrl`). */
  publicUrl: (key: string) => string;
  now: Date;
}

/** Pure: the event for a job that became playable or reached completed, failed or cancelled; null otherwise. */
export function buildWebhookEvent(job: Job, { publicUrl, now }: BuildWebhookEventOptions): WebhookEvent | null {
  const type = webhookEventTypeOf(job);
  if (type === null) return null;
  const { jobId, fileId, status, renditions, hlsUrl, error } = toJobView(job, publicUrl);
  return { id: webhookEventId(job), type, createdAt: now.toISOString(), owner: job.owner, data: { jobId, fileId, status, renditions, hlsUrl, error } };
}
