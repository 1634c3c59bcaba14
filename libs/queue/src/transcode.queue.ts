import type { FileRecord, Job } from '@reelforge/db';
import { fairPriority } from './fair-priority.policy.js';
import type { JobQueue } from './job.map.js';
import type { TranscodeJobPayload } from './transcode.payload.js';

export type TranscodeQueue = JobQueue<'transcode'>;

/**
 * Adds the attempt a job row is queued for, under the BullMQ id the row records (set by the UPDATE
 * that queued it), for the API, a retry and the reconciler alike. Adding the same attempt twice is
 * harmless: BullMQ keeps the first. `rank` is the job's place among its owner's queued jobs
 * (JobsRepository.queuedRank): with the client's priority it makes the fair BullMQ priority. Returns the BullMQ id.
 */
export async function enqueueAttempt(
  queue: TranscodeQueue,
  job: Pick<Job, 'id' | 'fileId' | 'bullmqJobId' | 'ladder' | 'priority'>,
  file: Pick<FileRecord, 'originalName' | 'storageKey'>,
  rank: number,
): Promise<string> {
  if (job.bullmqJobId === null) throw new Error(`job ${job.id} is not queued for an attempt (no BullMQ id recorded)`);
  const payload: TranscodeJobPayload = {
    jobId: job.id,
    fileId: job.fileId,
    originalName: file.originalName,
    sourceKey: file.storageKey,
    ...(job.ladder !== null ? { ladder: job.ladder } : {}),
  };
  await queue.add('transcode', payload, { jobId: job.bullmqJobId, priority: fairPriority({ rank, clientPriority: job.priority }) });
  return job.bullmqJobId;
}
