export const BENCH_NAMES = ['overhead', 'one-pass', 'upload-overlap', 'queue-throughput', 'memory', 'scaling', 'playable', 'chunking'] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

export interface BenchOptions {
  /** Short inputs and fewer runs (minutes instead of tens of minutes). */
  quick: boolean;
  /** Machine-readable report on stdout instead of the table. */
  json: boolean;
  /** Benchmarks to run, in BENCH_NAMES order. */
  only: BenchName[];
}

export type Unit = 'ms' | 's' | 'MiB' | 'KiB/job' | 'per s' | 'jobs/min' | 'count' | 'cpu s';

/** One measured quantity; `value` is the median of `samples` when there are several. */
export interface Metric {
  label: string;
  value: number;
  unit: Unit;
  samples?: number[];
}

export interface Target {
  op: '<=' | '>=';
  value: number;
}

export type Verdict = 'PASS' | 'MISS' | 'INFO';

export interface RatioResult {
  label: string;
  /** How the ratio is formed, e.g. "pipeline / bare". */
  formula: string;
  value: number;
  /** null: reported for information, the issue sets no target for it. */
  target: Target | null;
  verdict: Verdict;
}

export interface BenchResult {
  name: BenchName;
  title: string;
  metrics: Metric[];
  ratios: RatioResult[];
  /** What the figures include and exclude, and anything odd seen during the run. */
  notes: string[];
  wallS: number;
}
