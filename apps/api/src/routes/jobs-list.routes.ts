import { toJobView, type JobsRepository } from '@reelforge/db';
import { Router } from 'express';
import { callerOf } from '../http/caller.js';
import { parseOrThrow } from '../http/validate.js';
import { JobsListQuerySchema, type JobsPage } from '../media/jobs-list.schema.js';

export const JOBS_LIST_PATH = '/api/media/jobs';

export interface JobsListRoutesDeps {
  jobs: Pick<JobsRepository, 'list'>;
  /** Public URL of a storage key (the storage driver's `publicUrl`). */
  publicUrl: (key: string) => string;
}

/**
 * The caller's jobs, newest first, keyset-paginated. An API key sees its owner's jobs only; an
 * installation token (API_TOKENS) sees every job. A cursor this API did not issue is a 400 invalid_cursor.
 */
export function jobsListRoutes({ jobs, publicUrl }: JobsListRoutesDeps): Router {
  const router = Router();
  router.get(JOBS_LIST_PATH, async (req, res) => {
    const query = parseOrThrow(JobsListQuerySchema, req.query, 'query');
    const caller = callerOf(res);
    const page = await jobs.list({
      limit: query.limit,
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      ...(caller.admin ? {} : { owner: caller.owner }),
    });
    const body: JobsPage = { items: page.items.map((job) => toJobView(job, publicUrl)), nextCursor: page.nextCursor };
    res.json(body);
  });
  return router;
}
