import { JOB_STATUSES, JobStatusSchema, JobViewSchema } from '@reelforge/db';
import { TranscodeProgressSchema } from '@reelforge/queue';
import { z } from 'zod';

/**
 * Response bodies as the API sends them (JSON: dates are ISO strings). They document the contract in
 * /openapi.json; the end-to-end tests parse real responses with them, so they cannot drift.
 */

export const ProblemSchema = z
  .looseObject({
    type: z.url(),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string(),
    code: z.string().describe('Stable machine-readable error code, e.g. file_not_found'),
  })
  .describe('RFC 9457 problem details; extra members (issues, limitBytes, dependencies) depend on the code');

const timestamp = z.iso.datetime({ offset: true });

export const UploadResponseSchema = z.object({
  fileId: z.string(),
  originalName: z.string(),
  mime: z.string().nullable(),
  sizeBytes: z.int().nonnegative(),
  durationS: z.number().nonnegative().nullable(),
  width: z.int().positive().nullable(),
  height: z.int().positive().nullable(),
  createdAt: timestamp,
});

export const TranscodeAcceptedSchema = z.object({
  jobId: z.string(),
  fileId: z.string(),
  status: JobStatusSchema,
  created: z.boolean().describe('false when an active job for the file or the same Idempotency-Key already existed'),
});

/** GET /api/media/transcode/:fileId, and the `state` and final events of its live stream. */
export const TranscodeStatusSchema = JobViewSchema;

export const JobControlResponseSchema = z.object({
  jobId: z.string(),
  fileId: z.string(),
  status: JobStatusSchema,
  attempts: z.int().nonnegative().optional(),
});

/** Data of a `progress` event on the live stream (what the worker reports to BullMQ). */
export const ProgressEventSchema = TranscodeProgressSchema;

/** GET /watch/:fileId/status.json: what the public player may know (no names, owners or error messages). */
export const WatchStatusSchema = JobViewSchema.pick({ progress: true, stage: true, playable: true }).extend({
  status: z.enum([...JOB_STATUSES, 'uploaded']).describe('uploaded while no transcode was requested'),
  hlsUrl: z
    .string()
    .nullable()
    .describe('The ladder the file serves now (the latest job once playable, while still processing; else the previous completed one); root-relative for local storage'),
  posterUrl: z.string().nullable(),
});
export type WatchStatus = z.infer<typeof WatchStatusSchema>;

export const HealthSchema = z.object({ status: z.literal('ok') });

export const ReadinessSchema = z.object({
  status: z.literal('ready'),
  dependencies: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
});
