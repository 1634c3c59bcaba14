import type pg from 'pg';
import type { PartRow, TimelineEvent } from './job.timeline.js';

export interface JobTimes {
  status: string;
  queuedAtMs: number;
  playableAtMs: number | null;
  finishedAtMs: number | null;
  errorMessage: string | null;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const epochMs = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

/** The job row's status and timestamps (Postgres' clock, the same for every process of the run). */
export async function readJobTimes(pool: pg.Pool, jobId: string): Promise<JobTimes> {
  const { rows } = await pool.query<JobTimes>(
    `SELECT status, ${epochMs('queued_at')} AS "queuedAtMs", ${epochMs('playable_at')} AS "playableAtMs",
            ${epochMs('finished_at')} AS "finishedAtMs", error_message AS "errorMessage"
       FROM transcoding_jobs WHERE id = $1`,
    [jobId],
  );
  if (!rows[0]) throw new Error(`job ${jobId} does not exist`);
  return rows[0];
}

/** Polls the job row until it is completed; throws if it fails, is cancelled or time runs out. */
export async function waitForCompletion(pool: pg.Pool, jobId: string, timeoutMs: number): Promise<JobTimes> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const times = await readJobTimes(pool, jobId);
    if (times.status === 'completed') return times;
    if (TERMINAL.has(times.status)) throw new Error(`job ${jobId} ended ${times.status}: ${times.errorMessage ?? ''}`);
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${times.status} after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The job's audit trail, oldest first. */
export async function readTimeline(pool: pg.Pool, jobId: string): Promise<TimelineEvent[]> {
  const { rows } = await pool.query<TimelineEvent>(
    `SELECT kind, data->>'to' AS "to", ${epochMs('at')} AS "atMs" FROM job_events WHERE job_id = $1 ORDER BY id`,
    [jobId],
  );
  return rows;
}

/** The job's parts (transcode_chunks); empty when it was encoded in one pass. */
export async function readPartRows(pool: pg.Pool, jobId: string): Promise<PartRow[]> {
  const { rows } = await pool.query<PartRow>(
    `SELECT kind, ${epochMs('started_at')} AS "startedAtMs", ${epochMs('completed_at')} AS "completedAtMs", worker_id AS "workerId"
       FROM transcode_chunks WHERE job_id = $1 ORDER BY kind DESC, idx`,
    [jobId],
  );
  return rows;
}
