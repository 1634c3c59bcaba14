import { z } from 'zod';

/** A URL import: fetch `url`, sniff it, store it as the file's original. */
const UrlImportPayloadSchema = z.object({
  fileId: z.string().min(1),
  url: z.string().min(1),
  /** The transcode job created with `transcode: true`, enqueued once the import is done. */
  jobId: z.string().min(1).optional(),
});

/**
 * A direct upload completed in the bucket: the original is stored already (under the file's
 * `storage_key`); it is read back and sniffed before the file becomes usable. Same queue as URL
 * imports: the same worker, limits, outcome recording and reconciler apply.
 */
const StoredUploadPayloadSchema = z.object({
  fileId: z.string().min(1),
  source: z.literal('storage'),
  jobId: z.string().min(1).optional(),
});

/** What an `imports` queue job carries: the file row to fill, where its bytes are, and the transcode job waiting for it. */
export const ImportJobPayloadSchema = z.union([UrlImportPayloadSchema, StoredUploadPayloadSchema]);
export type ImportJobPayload = z.infer<typeof ImportJobPayloadSchema>;

/** `ready`, or `failed` with the code recorded on the file (a failed import is an outcome, not a queue failure). */
export const ImportResultSchema = z.object({ state: z.enum(['ready', 'failed']), code: z.string().optional() });
export type ImportResult = z.infer<typeof ImportResultSchema>;
