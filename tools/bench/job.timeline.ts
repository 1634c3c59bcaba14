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
  /** Stage `encoding` → the next stage change: the part chunking spreads over workers. */
  encodeMs: number;
  /** Everything else (queue wait, probe, what follows the encode): the serial part on paper. */
  serialMs: number;
  /** The duration of an assembly stage (concatenating chunk outputs), null when the job had none. */
  assemblyMs: number | null;
  /** Stage names in the order the job went through them, e.g. `probing → encoding → uploading`. */
  stages: string[];
}

const ASSEMBLY_STAGE = /assembl|concat|stitch|join/i;

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
  const assemblyIndex = stageEvents.findIndex((e) => ASSEMBLY_STAGE.test(e.to!));
  let assemblyMs: number | null = null;
  if (assemblyIndex >= 0) {
    const start = stageEvents[assemblyIndex]!;
    const next = sorted.find((e) => e.atMs >= start.atMs && e !== start && (e.kind === 'stage' || e.kind === 'completed'))!;
    assemblyMs = next.atMs - start.atMs;
  }
  return { totalMs, encodeMs, serialMs: totalMs - encodeMs, assemblyMs, stages: stageEvents.map((e) => e.to!) };
}
