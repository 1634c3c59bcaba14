import { z } from 'zod';

/** What an `imports` queue job carries: the file row to fill, where from, and the transcode job waiting for it. */
export const ImportJobPayloadSchema = z.object({
  fileId: z.string().min(1),
  url: z.string().min(1),
  /** The transcode job created with `transcode: true`, enqueued once the import is done. */
  jobId: z.string().min(1).optional(),
});
export type ImportJobPayload = z.infer<typeof ImportJobPayloadSchema>;

/** `ready`, or `failed` with the code recorded on the file (a failed import is an outcome, not a queue failure). */
export const ImportResultSchema = z.object({ state: z.enum(['ready', 'failed']), code: z.string().optional() });
export type ImportResult = z.infer<typeof ImportResultSchema>;
