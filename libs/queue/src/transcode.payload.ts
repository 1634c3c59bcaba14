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
  /**
   * Set on a chunked job's part jobs (BullMQ children of the job): which part of which attempt to
   * encode. The video part 0 job also encodes the audio when it is not encoded yet.
   */
  part: z.object({ attempt: z.int().positive(), kind: z.enum(['video', 'audio']), index: z.int().nonnegative() }).optional(),
  /** Set on a job once it split its attempt into parts: when BullMQ runs it again, the parts are done and it assembles them. */
  chunkedAttempt: z.int().positive().optional(),
});
export type TranscodeJobPayload = z.infer<typeof TranscodeJobPayloadSchema>;

/** What a completed attempt recorded (its master playlist is `masterKey(outputPrefix)`). */
export const TranscodeResultSchema = z.object({
  outputPrefix: z.string(),
  renditions: z.array(RenditionRecordSchema),
});
export type TranscodeResult = z.infer<typeof TranscodeResultSchema>;

/** What an encoded part of a chunked job reports to BullMQ (Postgres holds its segments). */
export const TranscodePartResultSchema = z.object({ part: z.string(), segments: z.int().nonnegative() });
export type TranscodePartResult = z.infer<typeof TranscodePartResultSchema>;

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
