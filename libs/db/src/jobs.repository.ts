import { createId } from '@paralleldrive/cuid2';
import { MAX_RUNNING_PERCENT } from '@reelforge/media';
import { transcodeBullJobId } from './bullmq-job-id.js';
import { ActiveJobExistsError, UnknownFileError } from './db.errors.js';
import { decodeJobCursor, encodeJobCursor } from './job-cursor.codec.js';
import { toJob, type Job, type JobRow, type RenditionRecord } from './job.record.js';
import { ACTIVE_JOB_STATUSES, allowedFrom, isTerminalStatus, JOB_STATUSES, type JobStatus } from './job-state.machine.js';
import { SqlParams, toQueryFn, type QueryFn, type Queryable } from './queryable.js';

export interface NewJob {
  /** Defaults to a fresh cuid2. */
  id?: string;
  fileId: string;
  /** Requested ladder fields, stored as given. */
  ladder?: Job['ladder'];
  priority?: number | null;
  webhookUrl?: string | null;
  /** Null or absent: DEFAULT_WEBHOOK_EVENTS. */
  webhookEvents?: Job['webhookEvents'];
  /** Normally the file's owner: an API key's owner, or ADMIN_OWNER. */
  owner: string;
  idempotencyKey?: string | null;
  /** `importing`: its file is still being imported; it is enqueued when the import is done (`markImportDone`). Default `queued`. */
  stage?: 'queued' | 'importing';
}

export type CreateJobResult =
  | { created: true; job: Job }
  /** `active_job`: the file already has a queued/processing job; `idempotency_key`: the key was used before. */
  | { created: false; job: Job; reason: 'active_job' | 'idempotency_key' };

export interface ListJobsOptions {
  status?: JobStatus;
  owner?: string;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** 1-100, default 20. */
  limit?: number;
}

export interface JobPage {
  items: Job[];
  nextCursor: string | null;
}

/** Given by the worker that owns the job, so a stalled worker that wakes up cannot overwrite its successor. */
interface OwnerGuard {
  workerId?: string;
  /**
   * Given instead by a worker encoding one part of a chunked attempt (the job row names the worker
   * that split it): the write applies only while that attempt is the job's running one.
   */
  attempt?: number;
}

interface TransitionSpec extends OwnerGuard {
  from: readonly JobStatus[];
  set: (p: SqlParams) => string;
  /** A status change (or `playable`) records `{ kind, data + from + attempt }`; `stage` records only actual stage changes. */
  event: { kind: JobStatus | 'playable'; data: Record<string, unknown> } | 'stage-change';
  /** Only while the job's file is not deleted; the file row is share-locked, as in `tryInsert`. */
  liveFileOnly?: boolean;
}

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;
const MAX_CREATE_ATTEMPTS = 5;
const ACTIVE_PER_FILE_INDEX = 'transcoding_jobs_one_active_per_file';
const RELEASE_FROM = allowedFrom('queued').filter((status) => !isTerminalStatus(status));
/** `retry`: a finished job run again on request; `lost`: an active job whose BullMQ job Redis lost or finished (the reconciler). */
const REQUEUE_FROM = { retry: allowedFrom('queued').filter(isTerminalStatus), lost: ACTIVE_JOB_STATUSES } as const;
/**
 * The BullMQ id of the attempt an UPDATE queues (transcodeBullJobId's form): above every run the job
 * started and every id it was queued under, so no old completed or failed BullMQ key swallows the add.
 */
const NEXT_BULLMQ_JOB_ID = `j.id || '.' || (GREATEST(j.attempts, COALESCE(substring(j.bullmq_job_id from '\\.(\\d+)$')::int, 0)) + 1)`;

/**
 * `transcoding_jobs` access. Every status change is one guarded UPDATE derived from the state machine,
 * written together with its `job_events` row in the same statement; a refused change returns null.
 */
export class JobsRepository {
  private readonly query: QueryFn;

  constructor(db: Queryable) {
    this.query = toQueryFn(db);
  }

  /**
   * Inserts a queued job, unless the file already has an active job or the idempotency key was used:
   * then that job is returned with `created: false`. Race-safe through the unique indexes.
   */
  async create(input: NewJob): Promise<CreateJobResult> {
    for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt += 1) {
      const inserted = await this.tryInsert(input);
      if (inserted) return { created: true, job: inserted };
      if (input.idempotencyKey) {
        const previous = await this.findByIdempotencyKey(input.owner, input.idempotencyKey);
        if (previous) return { created: false, job: previous, reason: 'idempotency_key' };
      }
      const active = await this.findActiveByFileId(input.fileId);
      if (active) return { created: false, job: active, reason: 'active_job' };
      // The conflicting job finished between the insert and the lookup; the slot is free again.
    }
    throw new Error(`Could not create a job for file ${input.fileId}: conflicting jobs kept changing`);
  }

  async findById(id: string): Promise<Job | null> {
    return this.one('SELECT * FROM transcoding_jobs WHERE id = $1', [id]);
  }

  async findLatestByFileId(fileId: string): Promise<Job | null> {
    return this.one('SELECT * FROM transcoding_jobs WHERE file_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1', [fileId]);
  }

  /**
   * The file's latest job, and the job whose ladder the file's URLs serve now: the newest that is
   * completed or playable (the latest itself, or while it is queued, not yet playable, failed or
   * cancelled, the one before it). One statement, so both come from the same snapshot: a job that
   * becomes playable meanwhile is seen as playable in both or in neither.
   */
  async findLatestAndServedByFileId(fileId: string): Promise<{ latest: Job; served: Job | null } | null> {
    const { rows } = await this.query<JobRow & { role: 'latest' | 'served' }>(
      `(SELECT *, 'latest' AS role FROM transcoding_jobs WHERE file_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1)
       UNION ALL
       (SELECT *, 'served' AS role FROM transcoding_jobs
        WHERE file_id = $1 AND (status = 'completed' OR (status = 'processing' AND playable_at IS NOT NULL))
        ORDER BY created_at DESC, id DESC LIMIT 1)`,
      [fileId],
    );
    const latest = rows.find((row) => row.role === 'latest');
    const served = rows.find((row) => row.role === 'served');
    return latest ? { latest: toJob(latest), served: served ? toJob(served) : null } : null;
  }

  async findActiveByFileId(fileId: string): Promise<Job | null> {
    return this.one('SELECT * FROM transcoding_jobs WHERE file_id = $1 AND status = ANY($2::text[])', [fileId, ACTIVE_JOB_STATUSES]);
  }

  async findByIdempotencyKey(owner: string, key: string): Promise<Job | null> {
    return this.one('SELECT * FROM transcoding_jobs WHERE owner = $1 AND idempotency_key = $2', [owner, key]);
  }

  /**
   * Newest first, keyset-paginated over (created_at, id), without the jobs of deleted files. Throws
   * InvalidCursorError for a foreign cursor.
   */
  async list(options: ListJobsOptions = {}): Promise<JobPage> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE} (got ${limit})`);
    }
    const p = new SqlParams();
    const where: string[] = [];
    if (options.status !== undefined) where.push(`status = ${p.add(options.status)}`);
    if (options.owner !== undefined) where.push(`owner = ${p.add(options.owner)}`);
    // A deleted file's jobs stay for the audit trail but are not listed: for clients the file is gone.
    where.push('NOT EXISTS (SELECT 1 FROM files f WHERE f.id = transcoding_jobs.file_id AND f.deleted_at IS NOT NULL)');
    if (options.cursor !== undefined) {
      const after = decodeJobCursor(options.cursor);
      where.push(
        `(created_at, id) < (timestamptz 'epoch' + ${p.add(after.createdAtMicros)}::bigint * interval '1 microsecond', ${p.add(after.id)})`,
      );
    }
    const { rows } = await this.query<JobRow & { cursor_micros: string }>(
      `SELECT *, (extract(epoch FROM created_at) * 1000000)::bigint::text AS cursor_micros
       FROM transcoding_jobs
       WHERE ${where.join(' AND ')}
       ORDER BY created_at DESC, id DESC
       LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toJob),
      nextCursor: rows.length > limit && last ? encodeJobCursor({ createdAtMicros: last.cursor_micros, id: last.id }) : null,
    };
  }

  /** Jobs per status, every status present: one GROUP BY, cheap enough for each metrics scrape. */
  async countByStatus(): Promise<Record<JobStatus, number>> {
    const { rows } = await this.query<{ status: JobStatus; n: number }>('SELECT status, count(*)::int AS n FROM transcoding_jobs GROUP BY status', []);
    const counts = Object.fromEntries(JOB_STATUSES.map((status) => [status, 0])) as Record<JobStatus, number>;
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  /** The owner's jobs waiting to run: what OWNER_MAX_QUEUED_JOBS limits. */
  async countQueued(owner: string): Promise<number> {
    const { rows } = await this.query<{ n: number }>(`SELECT count(*)::int AS n FROM transcoding_jobs WHERE owner = $1 AND status = 'queued'`, [owner]);
    return rows[0]?.n ?? 0;
  }

  /** The owner's jobs running now, leaving out `except` (a job being claimed again after a stall). */
  async countProcessing(owner: string, options: { except?: string } = {}): Promise<number> {
    const { rows } = await this.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM transcoding_jobs WHERE owner = $1 AND status = 'processing' AND id IS DISTINCT FROM $2`,
      [owner, options.except ?? null],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * The job's place among its owner's queued jobs, in the order they were queued (1 = the owner's
   * next); at least 1, also for a job no longer queued. The source of the job's fair priority.
   */
  async queuedRank(id: string): Promise<number> {
    const { rows } = await this.query<{ n: number }>(
      `SELECT count(o.id)::int AS n
       FROM transcoding_jobs j
       JOIN transcoding_jobs o ON o.owner = j.owner AND o.status = 'queued' AND (o.queued_at, o.id) <= (j.queued_at, j.id)
       WHERE j.id = $1`,
      [id],
    );
    return Math.max(rows[0]?.n ?? 0, 1);
  }

  /**
   * One page of queued and processing jobs, oldest first; pass the last job of a page as `after` for
   * the next. Keyed on the creation time to the millisecond (what a Date holds) and the id.
   */
  async listActive(options: { limit: number; after?: Pick<Job, 'createdAt' | 'id'> }): Promise<Job[]> {
    const { rows } = await this.query<JobRow>(
      `SELECT * FROM transcoding_jobs
       WHERE status = ANY($1::text[])
         AND ($3::timestamptz IS NULL OR (date_trunc('milliseconds', created_at), id) > ($3::timestamptz, $4::text))
       ORDER BY date_trunc('milliseconds', created_at), id
       LIMIT $2`,
      [ACTIVE_JOB_STATUSES, options.limit, options.after?.createdAt ?? null, options.after?.id ?? null],
    );
    return rows.map(toJob);
  }

  /**
   * queued → processing, or processing → processing when a worker re-picks a stalled job. Starts a new
   * run: attempts + 1 (it names the run's segments), progress back to 0, stage 'probing'.
   */
  async markProcessing(id: string, options: { workerId: string }): Promise<Job | null> {
    return this.transition(id, {
      from: allowedFrom('processing'),
      set: (p) =>
        `status = 'processing', attempts = j.attempts + 1,
         worker_id = ${p.add(options.workerId)}, stage = 'probing', progress = 0, started_at = now(),
         finished_at = NULL, error_code = NULL, error_message = NULL, playable_at = NULL, output_prefix = NULL, renditions = '[]'`,
      event: { kind: 'processing', data: { workerId: options.workerId } },
    });
  }

  /**
   * Only while processing. Stored as the worker reports it (its ProgressReporter keeps it monotonic),
   * below 100 until markCompleted: 100 means "done".
   */
  async updateProgress(id: string, update: { progress: number; stage?: string } & OwnerGuard): Promise<Job | null> {
    if (!Number.isFinite(update.progress)) throw new RangeError(`progress must be a finite number (got ${update.progress})`);
    const progress = Math.min(Math.max(update.progress, 0), MAX_RUNNING_PERCENT);
    return this.transition(id, {
      from: ['processing'],
      workerId: update.workerId,
      attempt: update.attempt,
      set: (p) => `progress = ${p.add(progress)}::real, stage = COALESCE(${p.add(update.stage ?? null)}::text, j.stage)`,
      event: 'stage-change',
    });
  }

  /**
   * The running attempt published its master playlist under `outputPrefix`: from now on the file's
   * URLs serve this attempt. `renditions` are the planned ones (bandwidths unmeasured, null) until
   * markCompleted. Only while processing and only for the worker that owns the job.
   */
  async markPlayable(id: string, update: { outputPrefix: string; renditions: RenditionRecord[] } & OwnerGuard): Promise<Job | null> {
    return this.transition(id, {
      from: ['processing'],
      workerId: update.workerId,
      attempt: update.attempt,
      set: (p) =>
        `playable_at = now(), output_prefix = ${p.add(update.outputPrefix)}, renditions = ${p.add(JSON.stringify(update.renditions))}::jsonb`,
      event: { kind: 'playable', data: { outputPrefix: update.outputPrefix } },
    });
  }

  async markCompleted(id: string, result: { renditions: RenditionRecord[]; outputPrefix: string } & OwnerGuard): Promise<Job | null> {
    return this.transition(id, {
      from: allowedFrom('completed'),
      workerId: result.workerId,
      set: (p) =>
        `status = 'completed', progress = 100, stage = 'done', finished_at = now(), playable_at = COALESCE(j.playable_at, now()),
         renditions = ${p.add(JSON.stringify(result.renditions))}::jsonb, output_prefix = ${p.add(result.outputPrefix)}`,
      event: { kind: 'completed', data: { outputPrefix: result.outputPrefix, renditions: result.renditions.length } },
    });
  }

  /**
   * The worker that assembles a chunked attempt once its parts are encoded takes the job over (the
   * worker that split it may be gone); only while that attempt is the running one.
   */
  async resumeChunked(id: string, options: { attempt: number; workerId: string }): Promise<Job | null> {
    return this.transition(id, {
      from: ['processing'],
      attempt: options.attempt,
      set: (p) => `worker_id = ${p.add(options.workerId)}, stage = 'finalizing'`,
      event: 'stage-change',
    });
  }

  /** A run failed. A queued job fails only through `markImportFailed`: it never ran. */
  async markFailed(id: string, failure: { code: string; message: string } & OwnerGuard): Promise<Job | null> {
    return this.transition(id, {
      from: ['processing'],
      workerId: failure.workerId,
      attempt: failure.attempt,
      set: (p) => `status = 'failed', finished_at = now(), error_code = ${p.add(failure.code)}, error_message = ${p.add(failure.message)}`,
      event: { kind: 'failed', data: { code: failure.code, message: failure.message } },
    });
  }

  /** A job that waited for its file's import (stage `importing`) is ready to be enqueued; null when it moved on meanwhile. */
  async markImportDone(id: string): Promise<Job | null> {
    return this.transition(id, { from: ['queued'], set: () => `stage = 'queued'`, event: 'stage-change' });
  }

  /** A job waiting for its file's import fails with the import's code; null when it moved on (cancelled). */
  async markImportFailed(id: string, failure: { code: string; message: string }): Promise<Job | null> {
    return this.transition(id, {
      from: ['queued'],
      set: (p) => `status = 'failed', finished_at = now(), error_code = ${p.add(failure.code)}, error_message = ${p.add(failure.message)}`,
      event: { kind: 'failed', data: { code: failure.code, message: failure.message } },
    });
  }

  async markCancelled(id: string): Promise<Job | null> {
    return this.transition(id, {
      from: allowedFrom('cancelled'),
      set: () => `status = 'cancelled', finished_at = now()`,
      event: { kind: 'cancelled', data: {} },
    });
  }

  /**
   * Queues the job as a new attempt: a clean slate except `attempts`, and in the same guarded UPDATE
   * the BullMQ id it is to be added under, so the id is recorded before any add (an add that fails is
   * redone under it by the reconciler). Throws ActiveJobExistsError when a retry finds another job for
   * the same file active meanwhile. Refused (null) once the file is deleted.
   */
  async requeue(id: string, options: { reason: string; from: keyof typeof REQUEUE_FROM }): Promise<Job | null> {
    try {
      return await this.transition(id, {
        from: REQUEUE_FROM[options.from],
        set: () =>
          `status = 'queued', progress = 0, stage = 'queued', queued_at = now(), started_at = NULL, finished_at = NULL, error_code = NULL,
           error_message = NULL, worker_id = NULL, bullmq_job_id = ${NEXT_BULLMQ_JOB_ID}, renditions = '[]', output_prefix = NULL,
           playable_at = NULL`,
        event: { kind: 'queued', data: { reason: options.reason } },
        liveFileOnly: true,
      });
    } catch (error) {
      if (isUniqueViolation(error, ACTIVE_PER_FILE_INDEX)) {
        const job = await this.findById(id);
        throw new ActiveJobExistsError(job?.fileId ?? 'unknown');
      }
      throw error;
    }
  }

  /** processing → queued: a shutting-down worker hands the job back, or stall recovery does it for a dead one. */
  async releaseToQueued(id: string, options: { reason?: string } & OwnerGuard = {}): Promise<Job | null> {
    return this.transition(id, {
      from: RELEASE_FROM,
      workerId: options.workerId,
      set: () => `status = 'queued', progress = 0, stage = 'queued', queued_at = now(), worker_id = NULL, playable_at = NULL, output_prefix = NULL,
               renditions = '[]'`,
      event: { kind: 'queued', data: { reason: options.reason ?? 'released' } },
    });
  }

  /**
   * A new job is queued as attempt 1, and its BullMQ id recorded with the row. Only for a live file:
   * the share lock on its row waits for a concurrent delete (FilesRepository.markDeleted) and then
   * sees the tombstone, or makes that delete wait until this job exists, so the delete cancels it.
   */
  private async tryInsert(input: NewJob): Promise<Job | null> {
    const id = input.id ?? createId();
    const inserted = await this.one(
      `WITH live AS (
         SELECT id FROM files WHERE id = $2 AND deleted_at IS NULL FOR SHARE
       ), ins AS (
         INSERT INTO transcoding_jobs (id, file_id, status, stage, ladder, priority, webhook_url, owner, idempotency_key, bullmq_job_id, webhook_events)
         SELECT $1, live.id, 'queued', $10, $3::jsonb, $4, $5, $6, $7, $8, $9::text[] FROM live
         ON CONFLICT DO NOTHING
         RETURNING *
       ), ev AS (
         INSERT INTO job_events (job_id, kind, data)
         SELECT id, 'queued', jsonb_build_object('reason', 'created', 'attempt', attempts) FROM ins
       )
       SELECT * FROM ins`,
      [
        id,
        input.fileId,
        input.ladder === undefined ? null : JSON.stringify(input.ladder),
        input.priority ?? null,
        input.webhookUrl ?? null,
        input.owner,
        input.idempotencyKey ?? null,
        transcodeBullJobId(id, 1),
        input.webhookEvents ?? null,
        input.stage ?? 'queued',
      ],
    );
    if (inserted) return inserted;
    // Nothing inserted: a conflicting job (the caller looks it up), or no live file to insert for.
    const { rows } = await this.query('SELECT 1 FROM files WHERE id = $1 AND deleted_at IS NULL', [input.fileId]);
    if (rows.length === 0) throw new UnknownFileError(input.fileId);
    return null;
  }

  /**
   * One statement: lock the row if its status allows the move, update it, append the event.
   * The FOR UPDATE lock makes `previous_*` exact even when two writers race for the same job.
   */
  private async transition(id: string, spec: TransitionSpec): Promise<Job | null> {
    const p = new SqlParams();
    const idParam = p.add(id);
    const fromParam = p.add(spec.from);
    const ownerGuard = [
      spec.workerId === undefined ? '' : `AND t.worker_id = ${p.add(spec.workerId)}`,
      spec.attempt === undefined ? '' : `AND t.attempts = ${p.add(spec.attempt)}`,
    ].join(' ');
    // NO KEY UPDATE, not UPDATE: it still serializes writers of the job, but lets a delete append its
    // file_deleted events (whose foreign key share-locks the job) while this waits for the file row.
    const fileJoin = spec.liveFileOnly ? 'JOIN files f ON f.id = t.file_id AND f.deleted_at IS NULL' : '';
    const locks = spec.liveFileOnly ? 'FOR NO KEY UPDATE OF t FOR SHARE OF f' : 'FOR UPDATE';
    const assignments = spec.set(p);
    const event =
      spec.event === 'stage-change'
        ? `SELECT id, 'stage', jsonb_build_object('from', previous_stage, 'to', stage) FROM upd
           WHERE stage IS DISTINCT FROM previous_stage`
        : `SELECT id, ${p.add(spec.event.kind)}, ${p.add(JSON.stringify(spec.event.data))}::jsonb
             || jsonb_build_object('from', previous_status, 'attempt', attempts) FROM upd`;
    return this.one(
      `WITH cur AS (
         SELECT t.id, t.status, t.stage FROM transcoding_jobs t ${fileJoin}
         WHERE t.id = ${idParam} AND t.status = ANY(${fromParam}::text[]) ${ownerGuard}
         ${locks}
       ), upd AS (
         UPDATE transcoding_jobs j SET ${assignments}, updated_at = now()
         FROM cur
         WHERE j.id = cur.id AND j.status = ANY(${fromParam}::text[])
         RETURNING j.*, cur.status AS previous_status, cur.stage AS previous_stage
       ), ev AS (
         INSERT INTO job_events (job_id, kind, data)
         ${event}
       )
       SELECT * FROM upd`,
      p.values,
    );
  }

  private async one(text: string, values: unknown[]): Promise<Job | null> {
    const { rows } = await this.query<JobRow>(text, values);
    return rows[0] ? toJob(rows[0]) : null;
  }
}

function isPgError(error: unknown): error is { code?: string; constraint?: string } {
  return typeof error === 'object' && error !== null && 'code' in error;
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return isPgError(error) && error.code === '23505' && error.constraint === constraint;
}
