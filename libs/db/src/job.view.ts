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
  playable: z
    .boolean()
    .describe('True once this job\'s master playlist is published: while still processing (playlists grow as segments are stored) and once completed'),
  playableAt: timestamp.nullable().describe('When this job became playable; null while it is not'),
  renditions: z
    .array(RenditionRecordSchema)
    .describe('The ladder hlsUrl serves; bandwidth and averageBandwidth are null until it is completed (measured on the stored segments)'),
  hlsUrl: z
    .url()
    .nullable()
    .describe(
      'master.m3u8 of the ladder the file serves now: this job\'s once playable; before that, and if it fails or is cancelled, the previous completed job\'s (status route and player only); otherwise null',
    ),
  posterUrl: z.url().nullable().describe('poster.jpg beside hlsUrl, for a ladder with video'),
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

/** True when the job's own output is what its URLs serve: completed, or processing with a published master. */
export function isPlayable(job: Pick<Job, 'status' | 'playableAt' | 'outputPrefix'>): boolean {
  if (job.outputPrefix === null) return false;
  return job.status === 'completed' || (job.status === 'processing' && job.playableAt !== null);
}

/**
 * `url` turns a storage key into the URL the reader fetches it from (the driver's `publicUrl`, or the
 * player's). `served` is the file's job whose ladder is served when this one is not playable
 * (JobsRepository.findLatestAndServedByFileId); without it such a job shows no output.
 */
export function toJobView(job: Job, url: (key: string) => string, served: Job | null = null): JobView {
  const playable = isPlayable(job);
  // Nothing is shown of an attempt that is not playable; the file's previous ladder stands in for it.
  const source = playable ? job : served && served.id !== job.id && isPlayable(served) ? served : null;
  const output = source?.outputPrefix ?? null;
  const hasVideo = source?.renditions.some((rendition) => rendition.kind === 'video') ?? false;
  // A job completed before playable was recorded became playable when it finished.
  const playableAt = playable ? (job.playableAt ?? job.finishedAt) : null;
  return {
    fileId: job.fileId,
    jobId: job.id,
    status: job.status,
    progress: job.progress,
    stage: job.stage,
    attempts: job.attempts,
    playable,
    playableAt: playableAt?.toISOString() ?? null,
    renditions: source?.renditions ?? [],
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
