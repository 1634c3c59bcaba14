// Pure: where a job's time went, from its audit trail (job_events). No clock, no I/O.

/** One job_events row as the benchmarks read it: `to` is the new stage of a `stage` event. */
export interface TimelineEvent {
  kind: string;
  to: string | null;
  atMs: number;
}

export interface JobPhases {
  /** First event (queued) → completed. */
  totalMs: number;
  /** Stage `encoding` → the next stage change: the part chunking spreads over workers (for a chunked job: poster, split, every part). */
  encodeMs: number;
  /** Everything else (queue wait, probe, what follows the encode): the serial part on paper. */
  serialMs: number;
  /** Stage names in the order the job went through them, e.g. `probing → encoding → uploading`. */
  stages: string[];
}

const label = (e: TimelineEvent): string => (e.kind === 'stage' && e.to ? e.to : e.kind);

/**
 * Splits a completed job's events into its encode phase and the serial rest. Throws when the job
 * never completed or never encoded, so a broken run is not reported as a fast one.
 */
export function jobPhases(events: readonly TimelineEvent[]): JobPhases {
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
  const first = sorted[0];
  const completed = sorted.find((e) => e.kind === 'completed');
  const encodingIndex = sorted.findIndex((e) => e.kind === 'stage' && e.to === 'encoding');
  if (!first || !completed) throw new Error(`the job did not complete (events: ${sorted.map(label).join(', ') || 'none'})`);
  if (encodingIndex < 0) throw new Error(`the job has no encoding stage (events: ${sorted.map(label).join(', ')})`);
  const stageEvents = sorted.filter((e) => e.kind === 'stage' && e.to);
  const afterEncoding = sorted.slice(encodingIndex + 1).find((e) => e.kind === 'stage' || e.kind === 'completed')!;
  const encodeMs = afterEncoding.atMs - sorted[encodingIndex]!.atMs;
  const totalMs = completed.atMs - first.atMs;
  return { totalMs, encodeMs, serialMs: totalMs - encodeMs, stages: stageEvents.map((e) => e.to!) };
}

/** One transcode_chunks row as the benchmarks read it (Postgres timestamps in ms). */
export interface PartRow {
  kind: 'video' | 'audio';
  startedAtMs: number | null;
  completedAtMs: number | null;
  workerId: string | null;
}

export interface PartFacts {
  videoParts: number;
  /** Each video part's latest run, started_at → completed_at, in seconds. */
  videoPartS: number[];
  /** The audio part's run (the whole input's audio, once); null without one. */
  audioS: number | null;
  /** Distinct workers that ran a part. */
  workers: number;
  /** Last part finished → job finished: ending the playlists, tiling the storyboard, the measured master. */
  assemblyS: number;
}

/** What a chunked job's part rows say; throws unless every part finished (a job cannot complete otherwise). */
export function partFacts(parts: readonly PartRow[], jobFinishedAtMs: number): PartFacts {
  const unfinished = parts.filter((p) => p.startedAtMs === null || p.completedAtMs === null);
  if (parts.length === 0 || unfinished.length > 0) throw new Error(`${unfinished.length} of ${parts.length} parts have no finished run`);
  const seconds = (p: PartRow) => (p.completedAtMs! - p.startedAtMs!) / 1000;
  const video = parts.filter((p) => p.kind === 'video');
  const audio = parts.find((p) => p.kind === 'audio');
  return {
    videoParts: video.length,
    videoPartS: video.map(seconds),
    audioS: audio ? seconds(audio) : null,
    workers: new Set(parts.map((p) => p.workerId)).size,
    assemblyS: (jobFinishedAtMs - Math.max(...parts.map((p) => p.completedAtMs!))) / 1000,
  };
}
