import { JOB_STATUSES, JobStatusSchema, JobViewSchema } from '@reelforge/db';
import { TranscodeProgressSchema } from '@reelforge/queue';
import { z } from 'zod';
import { FILE_STATES } from '../media/file-status.view.js';

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

/** POST /api/media/upload, and the facts part of GET /api/media/files/:fileId (both built by toFileFacts). */
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
export type FileFacts = z.infer<typeof UploadResponseSchema>;

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

/** POST /api/media/import: the new file, importing from now on. */
export const ImportResponseSchema = z.object({
  fileId: z.string(),
  state: z.literal('importing'),
  jobId: z.string().nullable().describe('The transcode job started once the import is done (with "transcode": true); null otherwise'),
});

/** POST /api/uploads/direct: the new file, uploading, and where its parts go. */
export const DirectUploadCreatedSchema = z.object({
  fileId: z.string(),
  state: z.literal('uploading'),
  uploadId: z.string().describe("The bucket's multipart upload id (informational: the presigned URLs carry it)"),
  partSize: z.int().positive().describe('Bytes in every part but the last, which holds the rest'),
  parts: z
    .array(z.object({ partNumber: z.int().min(1), url: z.string().describe('PUT the part here; keep the ETag header of the answer') }))
    .describe('One presigned URL per part, in order; an empty file is refused (size must be positive)'),
  expiresAt: z.iso.datetime().describe('The URLs stop working and the upload is aborted after this (UPLOAD_EXPIRY_S, at most 7 days)'),
  jobId: z.string().nullable().describe('The transcode job started once the file is usable (with "transcode": true); null otherwise'),
});

/** POST /api/uploads/direct/:fileId/complete: stored; the worker sniffs it next. */
export const DirectUploadCompletedSchema = z.object({
  fileId: z.string(),
  state: z.literal('importing'),
  sizeBytes: z.int().nonnegative().describe('The size of the stored object'),
  jobId: z.string().nullable(),
});

/** GET /api/media/files/:fileId: the upload's facts, and where the file is on its way to being usable. */
export const FileStatusSchema = UploadResponseSchema.extend({
  state: z
    .enum(FILE_STATES)
    .describe(
      'ready: stored and probed, transcodes may start. importing: a URL import (POST /api/media/import) is fetching it, or a completed direct upload is being read back and sniffed; its facts are empty until then. uploading: a direct upload (POST /api/uploads/direct) is not completed yet. failed: it never became usable; see error (import_refused, import_failed, import_timeout, payload_too_large, invalid_media, input_too_large, upload_expired, ...).',
    ),
  error: z.object({ code: z.string(), message: z.string() }).nullable().describe('Why the file failed; null unless state is failed'),
  latestJob: z
    .object({ jobId: z.string(), status: JobStatusSchema })
    .nullable()
    .describe('The newest transcode job of the file (details at GET /api/media/transcode/{fileId}); null before the first'),
});
export type FileStatus = z.infer<typeof FileStatusSchema>;

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
