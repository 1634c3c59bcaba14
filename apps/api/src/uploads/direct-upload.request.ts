import { MAX_PARTS } from '@reelforge/storage';
import { z } from 'zod';
import { TranscodeRequestSchema } from '../media/transcode.request.js';

/** POST /api/uploads/direct: the file to come, and the transcode request to start once it is usable. */
export const DirectUploadRequestSchema = TranscodeRequestSchema.omit({ fileId: true, webhookEvents: true })
  .extend({
    /** Shown back and kept in Postgres only (cleaned like a multipart upload's name); never part of a key. */
    filename: z.string().max(4096),
    /** Exact size in bytes: the parts are planned from it, and a larger object is refused at completion. */
    size: z.number().int().positive(),
    /** Recorded on the file; the stored original is an opaque `application/octet-stream` whatever it says. */
    contentType: z.string().max(255).optional(),
    transcode: z.boolean().optional(),
  })
  .refine((body) => body.transcode === true || (body.ladder === undefined && body.priority === undefined && body.webhookUrl === undefined), {
    message: 'ladder, priority and webhookUrl are transcode options: send them with "transcode": true',
  });
export type DirectUploadRequest = z.infer<typeof DirectUploadRequestSchema>;

/** POST /api/uploads/direct/{fileId}/complete: each part's number and the ETag the bucket answered its PUT with. */
export const CompleteDirectUploadSchema = z.strictObject({
  parts: z
    .array(
      z.strictObject({
        partNumber: z.number().int().min(1).max(MAX_PARTS),
        etag: z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces, as the ETag header says it'),
      }),
    )
    .min(1)
    .max(MAX_PARTS),
});
export type CompleteDirectUpload = z.infer<typeof CompleteDirectUploadSchema>;
