import { ActiveJobExistsError, type FileRecord, type FilesRepository, type Job, type JobAdmission, type JobsRepository } from '@reelforge/db';
import { enqueueAttempt, publishCancel, type TranscodeQueue } from '@reelforge/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '../http/app.errors.js';
import type { Caller } from '../http/caller.js';
import { ownerQueueLimit, ownerQuotaExceeded, type OwnerQuotas } from './owner-quota.policy.js';
import { assertFileReady, findVisibleFile } from './visible-file.js';

export interface JobControlDeps {
  files: Pick<FilesRepository, 'findById'>;
  jobs: Pick<JobsRepository, 'findLatestByFileId' | 'findById' | 'markCancelled'>;
  /** Queues retries within their owner's queued-jobs limit and ranks them for fair scheduling. */
  admission: Pick<JobAdmission, 'retry'>;
  quotas: OwnerQuotas;
  queue: TranscodeQueue;
  /** The queue's producer connection: tells whether Redis is reachable and carries cancel broadcasts. */
  queueRedis: Redis;
  queuePrefix: string;
  logger: Logger;
  /** Told about each job this service cancelled (queues its webhook); must not throw. */
  onCancelled?: (job: Job) => Promise<void>;
}

export interface CancelOutcome {
  job: Job;
  /** False when the job was already cancelled (the request is idempotent). */
  changed: boolean;
  /**
   * True when a worker may still hold the job: it was told to stop, and removes what it wrote
   * (partial output) once its ffmpeg has stopped.
   */
  stopping: boolean;
}

/**
 * Cancel and retry of a file's latest job. Postgres decides (guarded transitions); Redis is told
 * afterwards, so a lost Redis message can delay a cancel but never undo it: a worker that picks up a
 * cancelled job refuses to claim it, and one that finishes it cannot mark it completed.
 */
export class JobControlService {
  constructor(private readonly deps: JobControlDeps) {}

  async cancel(fileId: string, caller: Caller): Promise<CancelOutcome> {
    const { job } = await this.latestJob(fileId, caller);
    if (job.status === 'cancelled') return { job, changed: false, stopping: false };
    if (job.status !== 'queued' && job.status !== 'processing') throw notCancellable(job);
    return this.cancelJob(job);
  }

  /**
   * Cancels a queued or processing job whose file the caller has already been allowed to touch (the
   * cancel route, and a file's deletion after its row became a tombstone).
   */
  async cancelJob(job: Job): Promise<CancelOutcome> {
    const { jobs, queue, logger } = this.deps;
    // Postgres first: from here on no worker can claim or complete this job.
    const cancelled = await jobs.markCancelled(job.id);
    if (!cancelled) {
      const current = await jobs.findById(job.id);
      if (current?.status === 'cancelled') return { job: current, changed: false, stopping: false };
      throw notCancellable(current ?? job);
    }
    // A job waiting for its file's import is not in BullMQ yet: no worker holds it, nothing to stop.
    if (cancelled.stage === 'importing') {
      await this.deps.onCancelled?.(cancelled);
      return { job: cancelled, changed: true, stopping: false };
    }
    // Remove refuses a job a worker holds (0): then that worker must stop its ffmpeg.
    const removed = job.status === 'queued' && job.bullmqJobId !== null ? await queue.remove(job.bullmqJobId).catch(() => 0) : 0;
    if (removed !== 1) {
      await publishCancel(this.deps.queueRedis, this.deps.queuePrefix, job.id).catch((err: unknown) =>
        logger.warn({ err, jobId: job.id }, 'could not broadcast the cancel; the worker stops at its next progress write, which Postgres refuses'),
      );
    }
    // This service made the transition, so it announces it (the worker's own markCancelled then finds nothing to do).
    await this.deps.onCancelled?.(cancelled);
    return { job: cancelled, changed: true, stopping: removed !== 1 };
  }

  /** failed | cancelled → queued, as a new attempt under the BullMQ id the requeue recorded. */
  async retry(fileId: string, caller: Caller): Promise<Job> {
    const { jobs, queue, queueRedis, logger } = this.deps;
    const { file, job } = await this.latestJob(fileId, caller);
    if (job.status !== 'failed' && job.status !== 'cancelled') throw notRetryable(job.status);
    assertFileReady(file);
    // Refuse before writing anything while Redis is unreachable: the client gets a 503 it can retry.
    if (queueRedis.status !== 'ready') throw new ServiceUnavailableError('The job queue (Redis) is unavailable; retry shortly.');

    let admitted: Awaited<ReturnType<JobAdmission['retry']>>;
    try {
      admitted = await this.deps.admission.retry(job, ownerQueueLimit(this.deps.quotas, caller));
    } catch (err) {
      if (err instanceof ActiveJobExistsError) throw notRetryable('superseded by another active job for this file');
      throw err;
    }
    if (!admitted) throw notRetryable((await jobs.findById(job.id))?.status ?? 'gone');
    if (admitted.job === null) throw ownerQuotaExceeded(job.owner, admitted.queued, this.deps.quotas);
    const requeued = admitted.job;

    try {
      await enqueueAttempt(queue, requeued, file, admitted.rank);
    } catch (err) {
      // The row is queued in Postgres; the reconciler enqueues it under the same id once Redis answers.
      logger.warn({ err, jobId: requeued.id }, 'enqueue of a retry failed; the reconciler will retry it');
    }
    return requeued;
  }

  private async latestJob(fileId: string, caller: Caller): Promise<{ file: FileRecord; job: Job }> {
    const file = await findVisibleFile(this.deps.files, fileId, caller);
    const job = await this.deps.jobs.findLatestByFileId(fileId);
    if (!job) throw new NotFoundError('job_not_found', `File ${fileId} has no transcode job yet; start one with POST /api/media/transcode.`);
    return { file, job };
  }
}

function notCancellable(job: Job): ConflictError {
  return new ConflictError('job_not_cancellable', `The job is ${job.status}; only queued or processing jobs can be cancelled.`);
}

function notRetryable(status: string): ConflictError {
  return new ConflictError('job_not_retryable', `The job is ${status}; only failed or cancelled jobs can be retried.`);
}
