import { z } from 'zod';

/** One segment a finished or running part stored: its name in the rendition folder, its EXTINF duration and its size. */
export const StoredSegmentSchema = z.object({ uri: z.string(), durationS: z.number().positive(), bytes: z.int().nonnegative() });
export type StoredSegment = z.infer<typeof StoredSegmentSchema>;

export const ChunkKindSchema = z.enum(['video', 'audio']);
export type ChunkKind = z.infer<typeof ChunkKindSchema>;

/** One part of a chunked encode (a video time range, or the whole input's audio) as `transcode_chunks` holds it. */
export const ChunkSchema = z.object({
  jobId: z.string(),
  kind: ChunkKindSchema,
  index: z.int().nonnegative(),
  /** The attempt whose output prefix holds the part's files. */
  attempt: z.int().positive(),
  fingerprint: z.string(),
  startS: z.number().nonnegative(),
  durationS: z.number().positive(),
  firstSegment: z.int().nonnegative(),
  state: z.enum(['queued', 'processing', 'completed']),
  workerId: z.string().nullable(),
  runs: z.int().nonnegative(),
  /** 0-1 of the part's range. */
  progress: z.number().min(0).max(1),
  /** Per rendition, the segments already in storage, in play order. */
  segments: z.record(z.string(), z.array(StoredSegmentSchema)),
  thumbnails: z.int().nonnegative(),
  startedAt: z.date().nullable(),
  completedAt: z.date().nullable(),
});
export type Chunk = z.infer<typeof ChunkSchema>;

export interface ChunkRow {
  job_id: string;
  kind: string;
  idx: number;
  attempt: number;
  fingerprint: string;
  start_s: number;
  duration_s: number;
  first_segment: number;
  state: string;
  worker_id: string | null;
  runs: number;
  progress: number;
  segments: unknown;
  thumbnails: number;
  started_at: Date | null;
  completed_at: Date | null;
}

export function toChunk(row: ChunkRow): Chunk {
  return ChunkSchema.parse({
    jobId: row.job_id,
    kind: row.kind,
    index: row.idx,
    attempt: row.attempt,
    fingerprint: row.fingerprint,
    startS: row.start_s,
    durationS: row.duration_s,
    firstSegment: row.first_segment,
    state: row.state,
    workerId: row.worker_id,
    runs: row.runs,
    progress: row.progress,
    segments: row.segments,
    thumbnails: row.thumbnails,
    startedAt: row.started_at,
    completedAt: row.completed_at,
  });
}
