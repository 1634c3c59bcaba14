import { LadderOverridesSchema } from '@reelforge/media';
import { z } from 'zod';
import { JOB_STATUSES } from './job-state.machine.js';
import { WebhookEventTypeSchema } from './webhook-delivery.record.js';

export const JobStatusSchema = z.enum(JOB_STATUSES);

/** One produced rendition as the worker measured it; the status route, the jobs list and webhooks show it as is. */
export const RenditionRecordSchema = z.object({
  name: z.string(),
  kind: z.enum(['video', 'audio']),
  width: z.int().nullable(),
  height: z.int().nullable(),
  fps: z.number().nullable(),
  /** RFC 6381, as in the master playlist's CODECS. */
  codecs: z.string(),
  /** Peak and average bits per second measured on the stored segments. */
  bandwidth: z.number().nullable(),
  averageBandwidth: z.number().nullable(),
  /** The media playlist, relative to master.m3u8. */
  playlist: z.string(),
});
export type RenditionRecord = z.infer<typeof RenditionRecordSchema>;

export const JobSchema = z.object({
  id: z.string(),
  fileId: z.string(),
  status: JobStatusSchema,
  /** 0-100; stays below 100 until the job is completed. */
  progress: z.number().min(0).max(100),
  stage: z.string().nullable(),
  /** Number of attempts started (each `markProcessing` counts one). */
  attempts: z.number().int().nonnegative(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  outputPrefix: z.string().nullable(),
  renditions: z.array(RenditionRecordSchema),
  /** The ladder fields requested at submit time; the worker fills the rest from its defaults. */
  ladder: LadderOverridesSchema.nullable(),
  priority: z.number().int().nullable(),
  webhookUrl: z.string().nullable(),
  /** The webhook events the request asked for; null means DEFAULT_WEBHOOK_EVENTS. */
  webhookEvents: z.array(WebhookEventTypeSchema).nullable(),
  owner: z.string(),
  idempotencyKey: z.string().nullable(),
  bullmqJobId: z.string().nullable(),
  workerId: z.string().nullable(),
  queuedAt: z.date(),
  startedAt: z.date().nullable(),
  /** When the current attempt published its master playlist (its output is `outputPrefix` from then on). */
  playableAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  updatedAt: z.date(),
  createdAt: z.date(),
});
export type Job = z.infer<typeof JobSchema>;

export interface JobRow {
  id: string;
  file_id: string;
  status: Job['status'];
  progress: number;
  stage: string | null;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  output_prefix: string | null;
  renditions: RenditionRecord[];
  ladder: Job['ladder'];
  priority: number | null;
  webhook_url: string | null;
  webhook_events: Job['webhookEvents'];
  owner: string;
  idempotency_key: string | null;
  bullmq_job_id: string | null;
  worker_id: string | null;
  queued_at: Date;
  started_at: Date | null;
  playable_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
  created_at: Date;
}

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    fileId: row.file_id,
    status: row.status,
    progress: row.progress,
    stage: row.stage,
    attempts: row.attempts,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    outputPrefix: row.output_prefix,
    renditions: row.renditions,
    ladder: row.ladder,
    priority: row.priority,
    webhookUrl: row.webhook_url,
    webhookEvents: row.webhook_events,
    owner: row.owner,
    idempotencyKey: row.idempotency_key,
    bullmqJobId: row.bullmq_job_id,
    workerId: row.worker_id,
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    playableAt: row.playable_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    createdAt: row.created_at,
  };
}
