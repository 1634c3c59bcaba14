import { JOB_STATUSES, JobViewSchema } from '@reelforge/db';
import { z } from 'zod';

/** Query of GET /api/media/jobs. Unknown parameters are refused so a typo (`?state=`) does not list everything. */
export const JobsListQuerySchema = z.strictObject({
  status: z.enum(JOB_STATUSES).optional(),
  /** `nextCursor` of the previous page, as given. */
  cursor: z.string().min(1).max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type JobsListQuery = z.infer<typeof JobsListQuerySchema>;

export const JobsPageSchema = z.object({
  items: z.array(JobViewSchema).describe('Newest first'),
  nextCursor: z.string().nullable().describe('Pass as ?cursor= for the next page; null on the last page'),
});
export type JobsPage = z.infer<typeof JobsPageSchema>;
