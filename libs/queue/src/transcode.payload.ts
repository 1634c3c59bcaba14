import { RenditionRecordSchema } from '@reelforge/db';
import { LadderOverridesSchema } from '@reelforge/media';
import { z } from 'zod';

/**
 * What the worker needs to run one attempt. Postgres stays the source of truth; the name and ladder
 * ride along so operators can read them in Bull Board.
 */
export const TranscodeJobPayloadSchema = z.object({
  jobId: z.string().min(1),
  fileId: z.string().min(1),
  originalName: z.string(),
  sourceKey: z.string().min(1),
  ladder: LadderOverridesSchema.optional(),
});
export type TranscodeJobPayload = z.infer<typeof TranscodeJobPayloadSchema>;

/** What a completed attempt recorded (its master playlist is `masterKey(outputPrefix)`). */
export const TranscodeResultSchema = z.object({
  outputPrefix: z.string(),
  renditions: z.array(RenditionRecordSchema),
});
export type TranscodeResult = z.infer<typeof TranscodeResultSchema>;

/** What the worker reports through job.updateProgress; the SSE stream and Bull Board read it. */
export const TranscodeProgressSchema = z.object({
  stage: z.enum(['queued', 'probing', 'encoding', 'uploading', 'finalizing', 'done']),
  percent: z.number().min(0).max(100),
  etaSeconds: z.number().nonnegative().nullable(),
  speed: z.number().nonnegative().nullable(),
  /** Present (true) once the running attempt's master playlist is published; the live stream then announces `playable`. */
  playable: z.literal(true).optional(),
});
export type TranscodeProgress = z.infer<typeof TranscodeProgressSchema>;
