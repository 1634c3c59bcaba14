import { BENCH_NAMES, type BenchName, type BenchOptions } from './bench.types.js';

export const USAGE = `usage: npm run bench -- [--quick] [--json] [--only <name>[,<name>...]]
  --quick   short inputs and fewer runs (a few minutes)
  --json    machine-readable report on stdout (progress goes to stderr either way)
  --only    run only these benchmarks: ${BENCH_NAMES.join(', ')}
LADDER_HEIGHTS, HLS_SEGMENT_SECONDS and X264_PRESET, when set, change the ladder every benchmark runs.`;

export class BenchUsageError extends Error {
  readonly code = 'bench_usage';
}

const isBenchName = (name: string): name is BenchName => (BENCH_NAMES as readonly string[]).includes(name);

/** Parses the command line after `tools/bench/main.ts`; `--help` is the caller's to handle. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { quick: false, json: false, only: [...BENCH_NAMES] };
  const selected = new Set<BenchName>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[(i += 1)] : arg.slice('--only='.length);
      if (!value) throw new BenchUsageError('--only needs a benchmark name');
      for (const name of value.split(',').map((s) => s.trim()).filter(Boolean)) {
        if (!isBenchName(name)) throw new BenchUsageError(`unknown benchmark "${name}"; choose from ${BENCH_NAMES.join(', ')}`);
        selected.add(name);
      }
    } else throw new BenchUsageError(`unknown argument "${arg}"`);
  }
  if (selected.size > 0) options.only = BENCH_NAMES.filter((name) => selected.has(name));
  return options;
}
