import { LadderOptionsSchema } from '@reelforge/media';
import { z } from 'zod';

/** The body of POST /api/media/transcode. Unknown fields are refused so typos do not pass silently. */
export const TranscodeRequestSchema = z.strictObject({
  fileId: z.string().regex(/^[a-z0-9]{1,64}$/, 'a file id as returned by POST /api/media/upload'),
  ladder: LadderOptionsSchema.optional(),
  priority: z.number().int().min(1).max(1000).optional(),
  webhookUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type TranscodeRequest = z.infer<typeof TranscodeRequestSchema>;

export const IdempotencyKeySchema = z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
