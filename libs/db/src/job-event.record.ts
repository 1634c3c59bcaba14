import { z } from 'zod';

/**
 * Event kinds: a transition is recorded under the status it entered (`queued`, `processing`,
 * `completed`, `failed`, `cancelled`) with `data.from`; `stage` records a stage change while
 * processing, and `playable` when an attempt published its master playlist. Plain progress ticks are not recorded: the row holds the latest value and live
 * progress travels through BullMQ events.
 */
export const JobEventSchema = z.object({
  id: z.number().int(),
  jobId: z.string(),
  at: z.date(),
  kind: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type JobEvent = z.infer<typeof JobEventSchema>;

export interface JobEventRow {
  id: string;
  job_id: string;
  at: Date;
  kind: string;
  data: Record<string, unknown>;
}

export function toJobEvent(row: JobEventRow): JobEvent {
  return { id: Number(row.id), jobId: row.job_id, at: row.at, kind: row.kind, data: row.data };
}
