// `npm run bench -- [--quick] [--json] [--only <name>]`: issue 8's six measurements and issue 13's two, side by side in one run.
import { performance } from 'node:perf_hooks';
import { BenchUsageError, parseBenchArgs, USAGE } from './bench.args.js';
import type { Benchmark } from './bench.context.js';
import { startBenchPostgres } from './bench.services.js';
import type { BenchOptions, BenchResult } from './bench.types.js';
import { CleanupStack } from './cleanup.stack.js';
import { encodeNeeds, runEncodeRounds, type EncodeRounds } from './encode.rounds.js';
import { chunkingBench } from './chunking.bench.js';
import { BenchInputs } from './inputs.factory.js';
import { DEFAULT_MEDIA } from './ladder.plan.js';
import { readMachineInfo, withLoadEnd } from './machine.info.js';
import { memoryBench } from './memory.bench.js';
import { onePassBench } from './one-pass.bench.js';
import { overheadBench } from './overhead.bench.js';
import { playableBench } from './playable.bench.js';
import { queueThroughputBench } from './queue-throughput.bench.js';
import { renderJson, renderTable, type BenchReport } from './report.printer.js';
import { scalingBench } from './scaling.bench.js';
import { uploadOverlapBench } from './upload-overlap.bench.js';

const BENCHMARKS: Benchmark[] = [overheadBench, onePassBench, uploadOverlapBench, queueThroughputBench, memoryBench, scalingBench, playableBench, chunkingBench];

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const cleanupError = (label: string, err: unknown) => log(`cleanup of ${label} failed: ${err instanceof Error ? err.message : String(err)}`);

function parseOrExit(argv: string[]): BenchOptions {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  try {
    return parseBenchArgs(argv);
  } catch (err) {
    if (!(err instanceof BenchUsageError)) throw err;
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
}

async function main(): Promise<number> {
  const options = parseOrExit(process.argv.slice(2));
  const machine = await readMachineInfo();
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const results: BenchResult[] = [];
  const failures: BenchReport['failures'] = [];
  const top = new CleanupStack(cleanupError);
  let current: CleanupStack | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the services this run started…`);
      void (async () => {
        await current?.close();
        await top.close();
        process.exit(130);
      })();
    });
  }

  try {
    const inputs = await BenchInputs.create(options.quick, log);
    top.defer('inputs', () => inputs.remove());
    const postgres = await startBenchPostgres(log);
    top.defer('postgres', () => postgres.stop());
    const needs = encodeNeeds(options.only);
    let rounds: Promise<EncodeRounds> | undefined;
    const encodeRounds = () => {
      if (!needs) throw new Error('no encode benchmark was selected');
      return (rounds ??= runEncodeRounds({ databaseUrl: postgres.databaseUrl, inputs, quick: options.quick, needs, log }));
    };

    for (const bench of BENCHMARKS.filter((b) => options.only.includes(b.name))) {
      const cleanup = new CleanupStack(cleanupError);
      current = cleanup;
      const benchStarted = performance.now();
      log(`== ${bench.name}: ${bench.title}`);
      try {
        const outcome = await bench.run({ options, databaseUrl: postgres.databaseUrl, inputs, log, cleanup, encodeRounds });
        results.push({ name: bench.name, title: bench.title, ...outcome, wallS: (performance.now() - benchStarted) / 1000 });
      } catch (err) {
        const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
        failures.push({ name: bench.name, error: message });
        log(`${bench.name} failed: ${message}`);
      } finally {
        await cleanup.close();
        current = undefined;
      }
    }
  } finally {
    await top.close();
  }

  const report: BenchReport = {
    options,
    machine: withLoadEnd(machine),
    media: DEFAULT_MEDIA,
    startedAt,
    wallS: (performance.now() - started) / 1000,
    results,
    failures,
  };
  process.stdout.write(options.json ? renderJson(report) : renderTable(report));
  return failures.length > 0 ? 1 : 0;
}

// Exit explicitly: pools and Redis clients of the benchmarks may keep the event loop alive.
process.exit(await main());
