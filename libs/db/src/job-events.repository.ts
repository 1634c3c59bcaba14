import { toJobEvent, type JobEvent, type JobEventRow } from './job-event.record.js';
import { toQueryFn, type QueryFn, type Queryable } from './queryable.js';

/** The append-only audit trail of a job. Transitions write their own events; this is for everything else. */
export class JobEventsRepository {
  private readonly query: QueryFn;

  constructor(db: Queryable) {
    this.query = toQueryFn(db);
  }

  async append(jobId: string, kind: string, data: Record<string, unknown> = {}): Promise<JobEvent> {
    const { rows } = await this.query<JobEventRow>(
      'INSERT INTO job_events (job_id, kind, data) VALUES ($1, $2, $3::jsonb) RETURNING *',
      [jobId, kind, JSON.stringify(data)],
    );
    return toJobEvent(rows[0]!);
  }

  /** Oldest first. */
  async listForJob(jobId: string): Promise<JobEvent[]> {
    const { rows } = await this.query<JobEventRow>('SELECT * FROM job_events WHERE job_id = $1 ORDER BY id', [jobId]);
    return rows.map(toJobEvent);
  }
}
