import { Queue, Worker, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueName, transcodeBullJobId, type TranscodeJobPayload } from './transcode.payload.js';

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

export async function enqueueTranscode(
  queue: TranscodeQueue,
  payload: TranscodeJobPayload,
  options: { priority?: number } = {},
): Promise<string> {
  const id = transcodeBullJobId(payload.jobId, payload.attempt);
  await queue.add(QueueName.transcode, payload, {
    jobId: id,
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
  });
  return id;
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
