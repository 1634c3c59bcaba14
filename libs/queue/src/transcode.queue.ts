import type { FileRecord, Job } from '@reelforge/db';
import type { JobQueue } from './job.map.js';
import type { TranscodeJobPayload } from './transcode.payload.js';

export type TranscodeQueue = JobQueue<'transcode'>;

/**
 * Adds the attempt a job row is queued for, under the BullMQ id the row records (set by the UPDATE
 * that queued it), for the API, a retry and the reconciler alike. Adding the same attempt twice is
 * harmless: BullMQ keeps the first. Returns the BullMQ id.
 */
export async function enqueueAttempt(
  queue: TranscodeQueue,
  job: Pick<Job, 'id' | 'fileId' | 'bullmqJobId' | 'ladder' | 'priority'>,
  file: Pick<FileRecord, 'originalName' | 'storageKey'>,
): Promise<string> {
  if (job.bullmqJobId === null) throw new Error(`job ${job.id} is not queued for an attempt (no BullMQ id recorded)`);
  const payload: TranscodeJobPayload = {
    jobId: job.id,
    fileId: job.fileId,
    originalName: file.originalName,
    sourceKey: file.storageKey,
    ...(job.ladder !== null ? { ladder: job.ladder } : {}),
  };
  await queue.add('transcode', payload, { jobId: job.bullmqJobId, ...(job.priority !== null ? { priority: job.priority } : {}) });
  return job.bullmqJobId;
}
