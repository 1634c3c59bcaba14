import { Queue, UnrecoverableError, Worker, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ImportJobPayloadSchema, ImportResultSchema } from './import.payload.js';
import { TranscodeJobPayloadSchema, TranscodePartResultSchema, TranscodeResultSchema } from './transcode.payload.js';
import { WebhookDeliveryResultSchema, WebhookJobPayloadSchema } from './webhook.payload.js';

/**
 * Every job type, in the manner of PeerTube's job queue: name → payload schema → result. Each type has
 * a queue of its own (named like it), so slow webhook receivers never hold up transcodes.
 */
export const JOB_TYPES = {
  transcode: { payload: TranscodeJobPayloadSchema, result: z.union([TranscodeResultSchema, TranscodePartResultSchema]) },
  webhooks: { payload: WebhookJobPayloadSchema, result: WebhookDeliveryResultSchema },
  imports: { payload: ImportJobPayloadSchema, result: ImportResultSchema },
} as const satisfies Record<string, { payload: z.ZodType; result: z.ZodType }>;

export type JobName = keyof typeof JOB_TYPES;
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_TYPES)[N]['payload']>;
export type JobResult<N extends JobName> = z.infer<(typeof JOB_TYPES)[N]['result']>;
export type JobQueue<N extends JobName> = Queue<JobPayload<N>, JobResult<N>>;
/** Runs one job; `job.data` has passed the type's payload schema. */
export type JobHandler<N extends JobName> = Processor<JobPayload<N>, JobResult<N>>;
export type JobWorker<N extends JobName> = Worker<JobPayload<N>, JobResult<N>>;

export interface QueueOptions {
  connection: Redis;
  /** Key prefix in Redis; one installation's queues share it, tests use their own. */
  prefix: string;
  /** Tries per job for transient failures; a handler throws UnrecoverableError for the rest (JOB_ATTEMPTS, WEBHOOK_ATTEMPTS). */
  attempts: number;
  /** First retry delay; each further retry waits twice as long. Default 5 s. */
  backoffDelayMs?: number;
  /** `custom`: the worker's `backoffStrategy` computes each wait (webhooks: a capped schedule). Default exponential. */
  backoff?: 'exponential' | 'custom';
}

const DAY_S = 24 * 3600;

/** The producer side of a job type's queue. Finished jobs are kept for a while only: Postgres keeps the durable record. */
export function createQueue<N extends JobName>(name: N, { connection, prefix, attempts, backoffDelayMs = 5_000, backoff = 'exponential' }: QueueOptions): JobQueue<N> {
  return new Queue<JobPayload<N>, JobResult<N>>(name, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts,
      backoff: backoff === 'custom' ? { type: 'custom' } : { type: 'exponential', delay: backoffDelayMs },
      removeOnComplete: { age: 7 * DAY_S, count: 10_000 },
      removeOnFail: { age: 30 * DAY_S },
    },
  });
}

/**
 * True when BullMQ will not run the job again if this try fails: its retry budget (`attempts`) is
 * spent. BullMQ keeps that count; Postgres counts the runs a transcode started (`attempts`).
 */
export function isLastTry(job: { attemptsMade: number; opts: { attempts?: number } }): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

export interface WorkerOptions {
  connection: Redis;
  prefix: string;
  /** Jobs this process runs at once (WORKER_CONCURRENCY, WEBHOOK_CONCURRENCY). */
  concurrency: number;
  /** How long a job's lock lives without renewal (renewed every half of it, on the event loop). Default 30 s. */
  lockDurationMs?: number;
  /** How often jobs whose lock expired (their worker died) go back to wait. Default 30 s. */
  stalledIntervalMs?: number;
  /** Times a job may stall before it is failed instead of run again. Default 1. */
  maxStalledCount?: number;
  /** Start taking jobs at once. Default true. */
  autorun?: boolean;
  /** The wait after a failed try of a job whose backoff type is `custom`; `attemptsMade` is 1 after the first. */
  backoffStrategy?: (attemptsMade: number) => number;
}

/**
 * Runs `handler` for each job of the type. The payload is parsed with the type's schema when the job
 * is taken; one that does not parse fails at once with UnrecoverableError (retrying cannot fix it).
 */
export function createWorker<N extends JobName>(name: N, handler: JobHandler<N>, options: WorkerOptions): JobWorker<N> {
  const schema: z.ZodType = JOB_TYPES[name].payload;
  const { connection, prefix, concurrency, lockDurationMs = 30_000, stalledIntervalMs = 30_000, maxStalledCount = 1, autorun = true, backoffStrategy } = options;
  const parsed: JobHandler<N> = async (job, token, signal) => {
    const payload = schema.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid ${name} job payload: ${payload.error.message}`);
    // What the schema of this very name accepted (TypeScript loses the pairing when indexing with a generic name).
    job.data = payload.data as JobPayload<N>;
    return handler(job, token, signal);
  };
  return new Worker<JobPayload<N>, JobResult<N>>(name, parsed, {
    connection,
    prefix,
    concurrency,
    lockDuration: lockDurationMs,
    stalledInterval: stalledIntervalMs,
    maxStalledCount,
    autorun,
    ...(backoffStrategy ? { settings: { backoffStrategy } } : {}),
  });
}
