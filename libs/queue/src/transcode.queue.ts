import type { FileRecord, Job } from '@reelforge/db';
import { Queue, Worker, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueName, type TranscodeJobPayload } from './transcode.payload.js';

export interface TranscodeResult {
  outputPrefix: string;
  masterKey: string;
  /** One record per rendition (name, size, codecs, measured bandwidth, playlist path). */
  renditions: Record<string, unknown>[];
}

export type TranscodeQueue = Queue<TranscodeJobPayload, TranscodeResult>;

export interface TranscodeQueueOptions {
  connection: Redis;
  /** Key prefix in Redis; tests and tenants use their own. */
  prefix: string;
  /** BullMQ attempts for transient failures (bad media is UnrecoverableError and never retried). */
  attempts: number;
  /** First retry delay; each further retry waits twice as long (default 5 s). */
  backoffDelayMs?: number;
}

const DAY_S = 24 * 3600;

export function createTranscodeQueue({ connection, prefix, attempts, backoffDelayMs = 5_000 }: TranscodeQueueOptions): TranscodeQueue {
  return new Queue<TranscodeJobPayload, TranscodeResult>(QueueName.transcode, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts,
      backoff: { type: 'exponential', delay: backoffDelayMs },
      // Finished jobs are kept forever unless told otherwise; Postgres keeps the durable history.
      removeOnComplete: { age: 7 * DAY_S, count: 10_000 },
      removeOnFail: { age: 30 * DAY_S },
    },
  });
}

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
  await queue.add(QueueName.transcode, payload, { jobId: job.bullmqJobId, ...(job.priority !== null ? { priority: job.priority } : {}) });
  return job.bullmqJobId;
}

export interface TranscodeWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  /** How long a job's lock lives without renewal; renewal runs every lockDuration/2 on the event loop. */
  lockDurationMs: number;
  /** How often stalled jobs (lock expired: the worker died) are moved back to wait. */
  stalledIntervalMs: number;
  /** Times a job may stall before it is failed instead of retried. */
  maxStalledCount: number;
  autorun?: boolean;
}

export function createTranscodeWorker(
  processor: Processor<TranscodeJobPayload, TranscodeResult>,
  options: TranscodeWorkerOptions,
): Worker<TranscodeJobPayload, TranscodeResult> {
  return new Worker<TranscodeJobPayload, TranscodeResult>(QueueName.transcode, processor, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount,
    autorun: options.autorun ?? true,
  });
}
