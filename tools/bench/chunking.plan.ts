// Pure: the chunking benchmark's variants, the ffmpeg ranges of its overhead runs, and the paper
// projection to N machines. No clock, no I/O.
import { planChunks } from '@reelforge/media';
import { mean, slope } from './bench.stats.js';

/** CHUNK_MIN_DURATION_S=0: every input in one pass. */
export const CHUNKING_OFF = '0';

export interface BenchChunking {
  /** Target chunk length (CHUNK_SECONDS); the worker rounds it to whole segments. */
  chunkSeconds: number;
  /** Inputs at least this long are chunked (CHUNK_MIN_DURATION_S): two chunks' worth. */
  minDurationS: number;
  /** Chunks the worker will cut the source into (its own planner, planChunks). */
  chunks: number;
}

/**
 * 20 s chunks (quick: 16 s). With 4 s segments a 5-minute source is 75 segments, which no chunk
 * length splits evenly in two; 15 chunks of 20 s (quick: 4 of 16 s) leave the two workers at most
 * one short chunk apart at the end, while each chunk stays long against its fixed costs.
 */
export function benchChunking(sourceS: number, segmentSeconds: number, quick: boolean): BenchChunking {
  const chunkSeconds = quick ? 16 : 20;
  const minDurationS = 2 * chunkSeconds;
  const planned = planChunks(sourceS, segmentSeconds, { chunkSeconds, minDurationS });
  return { chunkSeconds, minDurationS, chunks: planned?.length ?? 1 };
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
export function chunkVariants(settings: BenchChunking): ChunkVariant[] {
  const unchunked = { WORKER_CONCURRENCY: '1', CHUNK_MIN_DURATION_S: CHUNKING_OFF };
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
  /** Per-chunk cost on top of its share of the encode (a negative one, i.e. noise, counts as 0). */
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

/**
 * Per-chunk overhead as the pipeline paid it: the parts' run times (each on one core) add up to the
 * one-core encode of the whole source plus this much per part (seek, start-up, storage, queue hop).
 */
export function pipelinePerPartS(videoPartS: readonly number[], oneCoreEncodeS: number): number {
  if (videoPartS.length === 0) throw new RangeError('no parts');
  return (videoPartS.reduce((sum, x) => sum + x, 0) - oneCoreEncodeS) / videoPartS.length;
}
