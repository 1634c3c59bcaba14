import type { BenchName, BenchOptions, Metric, RatioResult } from './bench.types.js';
import type { CleanupStack } from './cleanup.stack.js';
import type { EncodeRounds } from './encode.rounds.js';
import type { BenchInputs } from './inputs.factory.js';

export interface BenchContext {
  options: BenchOptions;
  /** The run's embedded Postgres; each benchmark migrates a schema of its own on it. */
  databaseUrl: string;
  inputs: BenchInputs;
  /** Progress lines on stderr. */
  log(line: string): void;
  /** Undo actions of the benchmark being run, closed when it ends. */
  cleanup: CleanupStack;
  /** The interleaved encodes shared by overhead, one-pass and upload-overlap; run on first call. */
  encodeRounds(): Promise<EncodeRounds>;
}

/** A note for the benchmarks built on the shared encode rounds. */
export function sharedRoundsNote(r: EncodeRounds): string {
  return `Encodes shared with the other ladder benchmarks of this run: ${r.rounds} rounds, ${Math.round(r.wallS)} s in all (billed to the first of them above).`;
}

export interface BenchOutcome {
  metrics: Metric[];
  ratios: RatioResult[];
  notes: string[];
}

export interface Benchmark {
  name: BenchName;
  title: string;
  run(ctx: BenchContext): Promise<BenchOutcome>;
}
