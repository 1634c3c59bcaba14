import { JOB_STATUSES } from '@reelforge/db';
import { z } from 'zod';

/** Query of GET /api/media/jobs. Unknown parameters are refused so a typo (`?state=`) does not list everything. */
export const JobsListQuerySchema = z.strictObject({
  status: z.enum(JOB_STATUSES).optional(),
  /** `nextCursor` of the previous page, as given. */
  cursor: z.string().min(1).max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type JobsListQuery = z.infer<typeof JobsListQuerySchema>;

const timestamp = z.iso.datetime({ offset: true });

/** One job as listed; the same fields as the status route, plus when the job was created. */
export const JobSummarySchema = z.object({
  jobId: z.string(),
  fileId: z.string(),
  status: z.enum(JOB_STATUSES),
  progress: z.number().min(0).max(100),
  stage: z.string().nullable(),
  attempts: z.int().nonnegative(),
  hlsUrl: z.url().nullable().describe('master.m3u8, once completed'),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: timestamp,
  queuedAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  updatedAt: timestamp,
});

export const JobsPageSchema = z.object({
  items: z.array(JobSummarySchema).describe('Newest first'),
  nextCursor: z.string().nullable().describe('Pass as ?cursor= for the next page; null on the last page'),
});
export type JobsPage = z.infer<typeof JobsPageSchema>;
