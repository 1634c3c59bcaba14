import type pg from 'pg';
import type { Job } from './job.record.js';
import { JobsRepository, type CreateJobResult, type NewJob } from './jobs.repository.js';

/** A fair-use limit for one owner; null means the caller is not limited (administrators). */
export interface OwnerQueueLimit {
  /** Queued jobs the owner may have at once; a new or retried job beyond it is refused. */
  maxQueued: number;
}

export type AdmittedCreate =
  | { created: true; job: Job; rank: number }
  | Extract<CreateJobResult, { created: false }>
  | { created: false; job: null; reason: 'owner_quota'; queued: number };

export type AdmittedRequeue = { job: Job; rank: number } | { job: null; reason: 'owner_quota'; queued: number } | null;

/** The claimed job; `owner_busy` when its owner already runs its limit; null when the row refused (JobsRepository.markProcessing). */
export type AdmittedClaim = Job | { job: null; reason: 'owner_busy'; running: number } | null;

/** Keeps these locks apart from any other advisory lock in the database (the first key of the two-key form). */
const OWNER_LOCK_NAMESPACE = 0x52460001;

/**
 * Puts jobs on the queue within their owner's limit. Each owner has a Postgres advisory lock: the
 * count and the insert (or requeue) happen while it is held, so concurrent submits of one owner are
 * serialised and the limit is never exceeded, while different owners never wait on each other. The
 * lock is a session lock on one checked-out client, held across autocommit statements: the write is
 * committed before the next submit of the owner counts, and a failed statement aborts no transaction.
 *
 * The rank returned is the job's place among its owner's queued jobs (1 = next), read under the same
 * lock: the source of its fair priority.
 */
export class JobAdmission {
  constructor(private readonly pool: pg.Pool) {}

  async create(input: NewJob, limit: OwnerQueueLimit | null): Promise<AdmittedCreate> {
    return this.underOwnerLock(input.owner, async (jobs) => {
      const queued = await jobs.countQueued(input.owner);
      if (limit !== null && queued >= limit.maxQueued) {
        // A repeated request that would not add a job is answered as before, whatever the owner's count.
        const previous = input.idempotencyKey ? await jobs.findByIdempotencyKey(input.owner, input.idempotencyKey) : null;
        if (previous) return { created: false, job: previous, reason: 'idempotency_key' };
        const active = await jobs.findActiveByFileId(input.fileId);
        if (active) return { created: false, job: active, reason: 'active_job' };
        return { created: false, job: null, reason: 'owner_quota', queued };
      }
      const outcome = await jobs.create(input);
      if (!outcome.created) return outcome;
      return { created: true, job: outcome.job, rank: await jobs.queuedRank(outcome.job.id) };
    });
  }

  /** A finished job queued again on request (JobsRepository.requeue 'retry'); null when its status refused it. */
  async retry(job: Pick<Job, 'id' | 'owner'>, limit: OwnerQueueLimit | null): Promise<AdmittedRequeue> {
    return this.underOwnerLock(job.owner, async (jobs) => {
      const queued = await jobs.countQueued(job.owner);
      if (limit !== null && queued >= limit.maxQueued) return { job: null, reason: 'owner_quota', queued };
      const requeued = await jobs.requeue(job.id, { from: 'retry', reason: 'retry requested' });
      return requeued && { job: requeued, rank: await jobs.queuedRank(requeued.id) };
    });
  }

  /**
   * queued → processing (JobsRepository.markProcessing) unless the job's owner already has
   * `maxRunning` other jobs processing. A stalled job re-picked by another worker is still running,
   * so it is not counted against itself.
   */
  async claim(jobId: string, options: { workerId: string; maxRunning: number }): Promise<AdmittedClaim> {
    const row = await new JobsRepository(this.pool).findById(jobId);
    if (!row) return null;
    return this.underOwnerLock(row.owner, async (jobs) => {
      const running = await jobs.countProcessing(row.owner, { except: jobId });
      if (running >= options.maxRunning) return { job: null, reason: 'owner_busy', running };
      return jobs.markProcessing(jobId, { workerId: options.workerId });
    });
  }

  private async underOwnerLock<T>(owner: string, body: (jobs: JobsRepository) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A client that may still hold the lock must not go back to the pool: closing it releases the lock.
    let broken: Error | undefined;
    try {
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [OWNER_LOCK_NAMESPACE, owner]).catch((err: Error) => {
        broken = err;
        throw err;
      });
      try {
        return await body(new JobsRepository(client));
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [OWNER_LOCK_NAMESPACE, owner]).catch((err: Error) => {
          broken = err;
        });
      }
    } finally {
      client.release(broken);
    }
  }
}
