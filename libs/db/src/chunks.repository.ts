import type pg from 'pg';
import { toChunk, type Chunk, type ChunkKind, type ChunkRow, type StoredSegment } from './chunk.record.js';
import { toQueryFn, type QueryFn, type Queryable } from './queryable.js';

/** One part an attempt plans: a video range, or the audio (index 0). */
export interface PlannedChunk {
  kind: ChunkKind;
  index: number;
  startS: number;
  durationS: number;
  firstSegment: number;
  /** Identifies what the part encodes (plan and range); a finished part is reused only when it matches. */
  fingerprint: string;
}

export interface ChunkKey {
  jobId: string;
  kind: ChunkKind;
  index: number;
}

/** Keeps these locks apart from any other advisory lock in the database (the first key of the two-key form). */
const JOB_PUBLISH_LOCK_NAMESPACE = 0x52460002;

/**
 * `transcode_chunks` access. Parts are claimed and written only while their job is processing the
 * attempt that planned them (the job row's `attempts`), so a part of a cancelled, finished or
 * superseded attempt cannot be started or recorded.
 */
export class ChunksRepository {
  private readonly query: QueryFn;

  constructor(private readonly db: Queryable) {
    this.query = toQueryFn(db);
  }

  /**
   * Records attempt `attempt`'s parts in one statement set: a finished part whose fingerprint matches
   * is kept (its files stay under its own attempt's prefix), every other one is (re)queued for this
   * attempt, and parts the new plan does not have are removed. Returns every part, in order.
   */
  async planAttempt(jobId: string, attempt: number, planned: readonly PlannedChunk[]): Promise<Chunk[]> {
    const parts = JSON.stringify(planned);
    const recordset = `jsonb_to_recordset($2::jsonb)
      AS p(kind text, index integer, "startS" double precision, "durationS" double precision, "firstSegment" integer, fingerprint text)`;
    // Only the attempt's own worker plans it, once: two statements need no lock between them.
    await this.query(
      `DELETE FROM transcode_chunks c
       WHERE c.job_id = $1 AND NOT (c.state = 'completed' AND EXISTS (
         SELECT 1 FROM ${recordset} WHERE p.kind = c.kind AND p.index = c.idx AND p.fingerprint = c.fingerprint))`,
      [jobId, parts],
    );
    await this.query(
      `INSERT INTO transcode_chunks (job_id, kind, idx, attempt, fingerprint, start_s, duration_s, first_segment)
       SELECT $1, p.kind, p.index, $3, p.fingerprint, p."startS", p."durationS", p."firstSegment" FROM ${recordset}
       ON CONFLICT (job_id, kind, idx) DO NOTHING`,
      [jobId, parts, attempt],
    );
    return this.list(jobId);
  }

  /** Records the plan every part of the attempt encodes; false when the attempt is no longer the job's running one. */
  async recordPlan(jobId: string, attempt: number, plan: unknown): Promise<boolean> {
    const { rowCount } = await this.query(
      `UPDATE transcoding_jobs SET chunk_plan = $3::jsonb WHERE id = $1 AND status = 'processing' AND attempts = $2`,
      [jobId, attempt, JSON.stringify(plan)],
    );
    return rowCount === 1;
  }

  /** The plan of the job's running chunked attempt, or null when that attempt is not the running one. */
  async readPlan(jobId: string, attempt: number): Promise<unknown> {
    const { rows } = await this.query<{ chunk_plan: unknown }>(
      `SELECT chunk_plan FROM transcoding_jobs WHERE id = $1 AND status = 'processing' AND attempts = $2`,
      [jobId, attempt],
    );
    return rows[0]?.chunk_plan ?? null;
  }

  async list(jobId: string): Promise<Chunk[]> {
    const { rows } = await this.query<ChunkRow>(`SELECT * FROM transcode_chunks WHERE job_id = $1 ORDER BY kind DESC, idx`, [jobId]);
    return rows.map(toChunk);
  }

  /**
   * queued → processing, or processing → processing when BullMQ gives a stalled part to another
   * worker. Refused (null) when the part is finished or its attempt is no longer the job's running one.
   * The segments an earlier run stored stay recorded: a playlist may name them already, and the new
   * run writes the same names with the same durations (its boundaries are fixed by the plan).
   */
  async claim(key: ChunkKey, options: { attempt: number; workerId: string }): Promise<Chunk | null> {
    return this.one(
      `UPDATE transcode_chunks c SET state = 'processing', worker_id = $4, runs = c.runs + 1, progress = 0, started_at = now(),
              updated_at = now()
       FROM transcoding_jobs j
       WHERE c.job_id = $1 AND c.kind = $2 AND c.idx = $3 AND c.state <> 'completed' AND c.attempt = $5
         AND j.id = c.job_id AND j.status = 'processing' AND j.attempts = $5
       RETURNING c.*`,
      [key.jobId, key.kind, key.index, options.workerId, options.attempt],
    );
  }

  /** The running part's progress and the segments it stored so far; null when it is no longer this worker's. */
  async recordProgress(key: ChunkKey, update: { workerId: string; progress: number; segments: Record<string, StoredSegment[]>; thumbnails?: number }): Promise<Chunk | null> {
    return this.one(
      `UPDATE transcode_chunks SET progress = LEAST(GREATEST($5::real, 0), 1), segments = $6::jsonb,
              thumbnails = COALESCE($7, thumbnails), updated_at = now()
       WHERE job_id = $1 AND kind = $2 AND idx = $3 AND worker_id = $4 AND state = 'processing'
       RETURNING *`,
      [key.jobId, key.kind, key.index, update.workerId, update.progress, JSON.stringify(update.segments), update.thumbnails ?? null],
    );
  }

  /** processing → completed with the part's final segment lists; null when it is no longer this worker's. */
  async complete(key: ChunkKey, result: { workerId: string; segments: Record<string, StoredSegment[]>; thumbnails: number }): Promise<Chunk | null> {
    return this.one(
      `UPDATE transcode_chunks SET state = 'completed', progress = 1, segments = $5::jsonb, thumbnails = $6,
              completed_at = now(), updated_at = now()
       WHERE job_id = $1 AND kind = $2 AND idx = $3 AND worker_id = $4 AND state = 'processing'
       RETURNING *`,
      [key.jobId, key.kind, key.index, result.workerId, JSON.stringify(result.segments), result.thumbnails],
    );
  }

  /**
   * Runs `body` while holding the job's publish lock (a transaction-scoped advisory lock on one
   * client): workers finishing parts of one job at once write its playlists one after another.
   */
  static async underPublishLock<T>(pool: pg.Pool, jobId: string, body: (db: Queryable) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [JOB_PUBLISH_LOCK_NAMESPACE, jobId]);
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async one(text: string, values: unknown[]): Promise<Chunk | null> {
    const { rows } = await this.query<ChunkRow>(text, values);
    return rows[0] ? toChunk(rows[0]) : null;
  }
}
