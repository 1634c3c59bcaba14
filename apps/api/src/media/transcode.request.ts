import { WEBHOOK_EVENT_TYPES } from '@reelforge/db';
import { LadderOverridesSchema } from '@reelforge/media';
import { z } from 'zod';

/** Ids are cuid2 strings; anything else cannot name a file, so it is refused before a query is made. */
export const FileIdSchema = z.string().regex(/^[a-z0-9]{1,64}$/, 'a file id as returned by POST /api/media/upload');

/** The body of POST /api/media/transcode. Unknown fields are refused so typos do not pass silently. */
export const TranscodeRequestSchema = z.strictObject({
  fileId: FileIdSchema,
  // Only the fields the client set: the worker fills the rest from the installation's env defaults.
  ladder: LadderOverridesSchema.optional(),
  priority: z.number().int().min(1).max(1000).optional(),
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    // WHATWG URL parsing tolerates (and would store) raw control characters; a webhook URL never needs one.
    .regex(/^[^\p{Cc}\s]+$/u, 'must not contain spaces or control characters')
    .optional(),
  webhookEvents: z
    .array(z.enum(WEBHOOK_EVENT_TYPES))
    .min(1)
    .refine((events) => new Set(events).size === events.length, 'each event at most once')
    .describe('The webhook events to receive; default: transcode.completed, transcode.failed and transcode.cancelled')
    .optional(),
});
export type TranscodeRequest = z.infer<typeof TranscodeRequestSchema>;

export const IdempotencyKeySchema = z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
