import { JOB_STATUSES } from '@reelforge/db';
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

export const JobStatusSchema = z.enum(JOB_STATUSES);

export const TranscodeAcceptedSchema = z.object({
  jobId: z.string(),
  fileId: z.string(),
  status: JobStatusSchema,
  created: z.boolean().describe('false when an active job for the file or the same Idempotency-Key already existed'),
});

export const TranscodeStatusSchema = z.object({
  fileId: z.string(),
  jobId: z.string(),
  status: JobStatusSchema,
  progress: z.number().min(0).max(100).describe('100 only once completed'),
  stage: z.string().nullable().describe('queued, probing, encoding, uploading, finalizing or done'),
  attempts: z.int().nonnegative(),
  renditions: z.array(z.record(z.string(), z.unknown())),
  hlsUrl: z.url().nullable().describe('master.m3u8, once completed'),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  queuedAt: timestamp.nullable(),
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  updatedAt: timestamp,
});

export const JobControlResponseSchema = z.object({
  jobId: z.string(),
  fileId: z.string(),
  status: JobStatusSchema,
  attempts: z.int().nonnegative().optional(),
});

/** Data of a `progress` event on the live stream (what the worker reports to BullMQ). */
export const ProgressEventSchema = TranscodeProgressSchema;

/** GET /watch/:fileId/status.json: what the public player may know (no names, owners or error messages). */
export const WatchStatusSchema = z.object({
  status: z.enum([...JOB_STATUSES, 'uploaded']).describe('uploaded while no transcode was requested'),
  progress: z.number().min(0).max(100),
  stage: z.string().nullable(),
  hlsUrl: z.string().nullable().describe('Once completed; root-relative for local storage'),
  posterUrl: z.string().nullable(),
});

export const HealthSchema = z.object({ status: z.literal('ok') });

export const ReadinessSchema = z.object({
  status: z.literal('ready'),
  dependencies: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
});
