import { publicErrorMessage } from '@reelforge/errors';
import { masterKey, posterKey } from '@reelforge/storage';
import { z } from 'zod';
import { JobStatusSchema, RenditionRecordSchema, type Job } from './job.record.js';

const timestamp = z.iso.datetime({ offset: true });

/**
 * A job as every reader shows it: the status route and its live stream, the jobs list, the player
 * (a few fields of it) and webhook events (others). Built only by `toJobView`.
 */
export const JobViewSchema = z.object({
  fileId: z.string(),
  jobId: z.string(),
  status: JobStatusSchema,
  progress: z.number().min(0).max(100).describe('100 only once completed'),
  stage: z.string().nullable().describe("importing (waiting for its file's URL import), queued, probing, encoding, uploading, finalizing or done"),
  attempts: z.int().nonnegative(),
  renditions: z.array(RenditionRecordSchema).describe('Once completed'),
  hlsUrl: z.url().nullable().describe('master.m3u8, once completed'),
  posterUrl: z.url().nullable().describe('poster.jpg, once completed with a video'),
  error: z
    .object({ code: z.string(), message: z.string() })
    .nullable()
    .describe('A fixed message per code; for bad media followed by the reason, with paths and hosts removed'),
  createdAt: timestamp,
  queuedAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  updatedAt: timestamp,
});
export type JobView = z.infer<typeof JobViewSchema>;

/** `url` turns a storage key into the URL the reader fetches it from (the driver's `publicUrl`, or the player's). */
export function toJobView(job: Job, url: (key: string) => string): JobView {
  // What a completed job produced; nothing is shown of an attempt that did not finish.
  const output = job.status === 'completed' ? job.outputPrefix : null;
  const hasVideo = job.renditions.some((rendition) => rendition.kind === 'video');
  return {
    fileId: job.fileId,
    jobId: job.id,
    status: job.status,
    progress: job.progress,
    stage: job.stage,
    attempts: job.attempts,
    renditions: output ? job.renditions : [],
    hlsUrl: output ? url(masterKey(output)) : null,
    posterUrl: output && hasVideo ? url(posterKey(output)) : null,
    // The raw message stays in the row and job_events for operators; readers get the public one.
    error: job.errorCode ? { code: job.errorCode, message: publicErrorMessage(job.errorCode, job.errorMessage) } : null,
    createdAt: job.createdAt.toISOString(),
    queuedAt: job.queuedAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    updatedAt: job.updatedAt.toISOString(),
  };
}
