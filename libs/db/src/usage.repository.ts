import { z } from 'zod';
import { JOB_STATUSES, type JobStatus } from './job-state.machine.js';
import { toQueryFn, type QueryFn, type Queryable } from './queryable.js';

/**
 * What one owner uses, as an administrator sees it (GET /api/admin/usage, `reelforge usage`). Rows of
 * deleted files are gone with them, so usage counts what exists now.
 */
export const OwnerUsageSchema = z.object({
  owner: z.string(),
  jobs: z.object(Object.fromEntries(JOB_STATUSES.map((status) => [status, z.int().nonnegative()])) as Record<JobStatus, z.ZodInt>).describe('Jobs by status'),
  minutesEncoded: z.number().nonnegative().describe("Minutes of input turned into HLS: the input duration of each completed job, summed"),
  files: z.int().nonnegative().describe('Uploaded files'),
  bytesStored: z.int().nonnegative().describe("Bytes of the uploaded originals; the HLS outputs' sizes are not recorded"),
});
export type OwnerUsage = z.infer<typeof OwnerUsageSchema>;

/** Usage per owner, from the files and transcoding_jobs tables (two GROUP BY queries over indexed owner columns). */
export class UsageRepository {
  private readonly query: QueryFn;

  constructor(db: Queryable) {
    this.query = toQueryFn(db);
  }

  /** Every owner with files or jobs, by name; with `owner`, that owner alone (zeros when it has nothing). */
  async byOwner(owner?: string): Promise<OwnerUsage[]> {
    const only = owner ?? null;
    const [jobs, files] = await Promise.all([
      this.query<{ owner: string; status: JobStatus; n: number; seconds: number }>(
        `SELECT j.owner, j.status, count(*)::int AS n, COALESCE(sum(f.duration_s) FILTER (WHERE j.status = 'completed'), 0)::float8 AS seconds
         FROM transcoding_jobs j JOIN files f ON f.id = j.file_id
         WHERE $1::text IS NULL OR j.owner = $1
         GROUP BY j.owner, j.status`,
        [only],
      ),
      this.query<{ owner: string; n: number; bytes: string }>(
        `SELECT owner, count(*)::int AS n, COALESCE(sum(size_bytes), 0)::bigint::text AS bytes
         FROM files WHERE $1::text IS NULL OR owner = $1 GROUP BY owner`,
        [only],
      ),
    ]);
    const usage = new Map<string, OwnerUsage>();
    const entry = (name: string): OwnerUsage => {
      let found = usage.get(name);
      if (!found) {
        found = { owner: name, jobs: Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>, minutesEncoded: 0, files: 0, bytesStored: 0 };
        usage.set(name, found);
      }
      return found;
    };
    if (only !== null) entry(only);
    for (const row of jobs.rows) {
      const e = entry(row.owner);
      e.jobs[row.status] = row.n;
      e.minutesEncoded += row.seconds / 60;
    }
    for (const row of files.rows) {
      const e = entry(row.owner);
      e.files = row.n;
      // Sizes are bounded by MAX_UPLOAD_BYTES per file: totals stay far below 2^53.
      e.bytesStored = Number(row.bytes);
    }
    return [...usage.values()].sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
  }
}
