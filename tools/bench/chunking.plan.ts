// Pure: the chunking benchmark's variants, the ffmpeg ranges of its overhead runs, and the paper
// projection to N machines. No clock, no I/O.
import { mean, slope } from './bench.stats.js';

/** Above any source length: the worker never chunks. */
export const CHUNKING_OFF_S = 1_000_000;

export interface ChunkSettings {
  /** Target chunk length (CHUNK_SECONDS). */
  chunkSeconds: number;
  /** Inputs at least this long are chunked (CHUNK_MIN_DURATION_S): two chunks' worth. */
  minDurationS: number;
  /** Chunks the source is split into. */
  chunks: number;
}

/**
 * 30 s chunks (quick: 15 s), so a 5-minute source makes 10 chunks: an even number, which two
 * workers share equally, and few enough that per-chunk costs stay small against each chunk.
 */
export function chunkSettings(sourceS: number, quick: boolean): ChunkSettings {
  const chunkSeconds = quick ? 15 : 30;
  return { chunkSeconds, minDurationS: 2 * chunkSeconds, chunks: Math.ceil(sourceS / chunkSeconds) };
}

export type ChunkVariantName = 'T1' | 'T2' | 'today';

export interface ChunkVariant {
  name: ChunkVariantName;
  title: string;
  /** One entry per worker process: the core it is pinned to (taskset), or null for all cores. */
  cores: (number | null)[];
  /** Worker environment on top of the benchmark's stack environment. */
  env: Record<string, string>;
}

/** Issue 13 §3: T₁ (1 process, 1 core, unchunked), T₂ (2 processes, a core each, chunked), today (1 process, both cores, unchunked). */
export function chunkVariants(settings: ChunkSettings): ChunkVariant[] {
  const unchunked = { WORKER_CONCURRENCY: '1', CHUNK_MIN_DURATION_S: String(CHUNKING_OFF_S) };
  return [
    { name: 'T1', title: 'T₁: 1 worker pinned to 1 core, no chunking', cores: [0], env: unchunked },
    {
      name: 'T2',
      title: 'T₂: 2 workers pinned to a core each, chunking',
      cores: [0, 1],
      env: { WORKER_CONCURRENCY: '1', CHUNK_MIN_DURATION_S: String(settings.minDurationS), CHUNK_SECONDS: String(settings.chunkSeconds) },
    },
    { name: 'today', title: 'today: 1 worker on both cores, no chunking', cores: [null], env: unchunked },
  ];
}

export interface InputRange {
  startS: number;
  durationS: number;
}

/**
 * A ladder command limited to a time range of its one input, the way a chunk is cut: `-ss` and `-t`
 * as input options just before `-i` (accurate seek: decode from the keyframe before, drop up to start).
 */
export function withInputRange(args: readonly string[], range: InputRange): string[] {
  const inputs = args.flatMap((arg, i) => (arg === '-i' ? [i] : []));
  if (inputs.length !== 1) throw new Error(`expected one -i in the command, found ${inputs.length}`);
  const at = inputs[0]!;
  return [...args.slice(0, at), '-ss', String(range.startS), '-t', String(range.durationS), ...args.slice(at)];
}

export interface RangeSample {
  durationS: number;
  /** CPU seconds of the encode (wall seconds where CPU time is not measured). */
  seconds: number;
}

export interface FixedCostFit {
  /** Time an encode takes whatever its length: process start, encoder set-up, lookahead fill and flush. */
  fixedS: number;
  /** Time per second of input. */
  perSecondS: number;
}

/** Least-squares line through (range length, time): its intercept is the per-chunk fixed cost. */
export function fixedCostFit(samples: readonly RangeSample[]): FixedCostFit {
  const xs = samples.map((s) => s.durationS);
  const ys = samples.map((s) => s.seconds);
  if (new Set(xs).size < 2) throw new RangeError('a fixed-cost fit needs ranges of at least two lengths');
  const perSecondS = slope(xs, ys);
  return { fixedS: mean(ys) - perSecondS * mean(xs), perSecondS };
}

export interface ProjectionInput {
  /** Parts no worker count shortens: queue wait, probe, assembly, publishing. */
  serialS: number;
  /** The whole source's encode on one core (T₁'s encode phase). */
  encodeS: number;
  /** Per-chunk cost on top of its share of the encode: seek plus fixed cost (a negative one counts as 0). */
  perChunkS: number;
  chunks: number;
}

/**
 * Time to complete with `workers` single-core workers, on paper: the serial part, then the busiest
 * worker's chunks (chunks are equal and handed out in turn, so it has ⌈chunks / workers⌉), each
 * costing its share of the encode plus the per-chunk overhead. Beyond `chunks` workers nothing improves.
 */
export function projectCompletionS(input: ProjectionInput, workers: number): number {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError('workers must be a positive integer');
  const perChunk = input.encodeS / input.chunks + Math.max(0, input.perChunkS);
  return input.serialS + Math.ceil(input.chunks / workers) * perChunk;
}
