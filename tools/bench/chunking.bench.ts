import type { Benchmark, BenchContext, BenchOutcome } from './bench.context.js';
import { startBenchEnv } from './bench.env.js';
import { addFile } from './bench.files.js';
import { submitTranscode } from './bench.http.js';
import { ratio } from './bench.stats.js';
import type { Metric } from './bench.types.js';
import { measureChunkOverhead } from './chunk-overhead.runner.js';
import { chunkSettings, chunkVariants, projectCompletionS, type ChunkVariantName } from './chunking.plan.js';
import { countChunkRows, readTimeline, waitForCompletion } from './job.rows.js';
import { jobPhases, type JobPhases } from './job.timeline.js';
import { startWorkerProcesses } from './worker.processes.js';

/** Machines of the paper projection; each is this VM: 2 cores, a worker pinned to each. */
const PROJECTED_MACHINES = [1, 2, 4, 8, 16];
const WORKERS_PER_MACHINE = 2;

interface VariantResult {
  completeS: number;
  phases: JobPhases;
  /** Chunk rows of the job; null when the schema has no chunk table (chunking not merged). */
  chunkRows: number | null;
}

const s = (ms: number) => ms / 1000;

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const source = await ctx.inputs.longSource();
  const settings = chunkSettings(source.durationS, ctx.options.quick);
  const overhead = await measureChunkOverhead(source, ctx.options.quick, ctx.log);

  const env = await startBenchEnv(ctx, 'chunking');
  const fileId = await addFile(env.stack.files, source, env.stack.api.storage);
  // Generous: one core encodes 1080p at well under real time (about 2.4 s per second of video here).
  const timeoutMs = (source.durationS * 10 + 120) * 1000;
  const results = new Map<ChunkVariantName, VariantResult>();
  for (const variant of chunkVariants(settings)) {
    ctx.log(`chunking: ${variant.title}, ${source.durationS} s source…`);
    const workers = await startWorkerProcesses(env, variant.cores.map((core) => ({ core, env: variant.env })));
    try {
      const jobId = await submitTranscode(env.stack.baseUrl, { fileId });
      const times = await waitForCompletion(env.schema.pool, jobId, timeoutMs);
      results.set(variant.name, {
        completeS: s(times.finishedAtMs! - times.queuedAtMs),
        phases: jobPhases(await readTimeline(env.schema.pool, jobId)),
        chunkRows: await countChunkRows(env.schema.pool, env.schema.schema, jobId),
      });
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }
  const t1 = results.get('T1')!;
  const t2 = results.get('T2')!;
  const today = results.get('today')!;
  const perChunkS = Math.max(0, overhead.fit.fixedS) + Math.max(0, overhead.seekS);
  const projection = { serialS: s(t2.phases.serialMs), encodeS: s(t1.phases.encodeMs), perChunkS, chunks: settings.chunks };
  const chunked = t2.chunkRows !== null && t2.chunkRows > 1;
  const unjudged = chunked ? '' : '; not judged: T₂ was not chunked';

  const metrics: Metric[] = [];
  for (const [name, label] of [['T1', 'T₁ (1 core, unchunked)'], ['T2', 'T₂ (2 cores, 2 workers, chunked)'], ['today', 'today (2 cores, 1 worker)']] as const) {
    const r = results.get(name)!;
    metrics.push(
      { label: `${label}: queued → completed`, value: r.completeS, unit: 's' },
      { label: `  of which encode phase`, value: s(r.phases.encodeMs), unit: 's' },
      { label: `  of which serial (queue, probe, after encode)`, value: s(r.phases.serialMs), unit: 's' },
    );
  }
  if (t2.phases.assemblyMs !== null) metrics.push({ label: 'T₂ assembly stage', value: s(t2.phases.assemblyMs), unit: 's' });
  metrics.push(
    { label: 'T₂ chunk rows', value: t2.chunkRows ?? 0, unit: 'count' },
    { label: 'per chunk: fixed cost (start-up, flush), 1 core', value: overhead.fit.fixedS, unit: overhead.basis === 'cpu' ? 'cpu s' : 's' },
    { label: `per chunk: seek to ${overhead.seekStartS} s`, value: overhead.seekS, unit: overhead.basis === 'cpu' ? 'cpu s' : 's' },
    { label: 'per second of 1080p input, 1 core, video ladder', value: overhead.fit.perSecondS, unit: overhead.basis === 'cpu' ? 'cpu s' : 's' },
    ...PROJECTED_MACHINES.map((n): Metric => ({
      label: `projection: ${n} machine${n > 1 ? 's' : ''} (${n * WORKERS_PER_MACHINE} workers)`,
      value: projectCompletionS(projection, n * WORKERS_PER_MACHINE),
      unit: 's',
    })),
  );
  return {
    metrics,
    // An unchunked T₂ is one worker on one core: judging it against the targets would say nothing.
    ratios: [
      ratio('T₂ / (T₁ / 2)', `2 × T₂ ÷ T₁ (queued → completed)${unjudged}`, 2 * t2.completeS, t1.completeS, chunked ? { op: '<=', value: 1.15 } : null),
      ratio('T₂ / today', `T₂ ÷ today, same two cores${unjudged}`, t2.completeS, today.completeS, chunked ? { op: '<=', value: 1.05 } : null),
      ratio('T₁ / today', 'one core ÷ both cores, unchunked', t1.completeS, today.completeS, null),
    ],
    notes: [
      `Source: ${source.durationS} s of 1920x1080 30 fps (testsrc2 + sine, ~20 Mbit/s), default ladder; one run per variant (${ctx.options.quick ? 'quick' : 'a single T₁ run takes over 10 minutes'}). Times are the job row's queued_at → finished_at; phases come from job_events.`,
      `T₁: WORKER_CONCURRENCY=1, CHUNK_MIN_DURATION_S=${chunkVariants(settings)[0]!.env.CHUNK_MIN_DURATION_S} (off), one process pinned to CPU 0 with taskset (its ffmpeg inherits it). T₂: two such processes pinned to CPUs 0 and 1, CHUNK_MIN_DURATION_S=${settings.minDurationS}, CHUNK_SECONDS=${settings.chunkSeconds} (${settings.chunks} chunks). today: one process, not pinned, chunking off.`,
      chunked
        ? `T₂ was chunked: ${t2.chunkRows} chunk rows; stages ${t2.phases.stages.join(' → ')}.`
        : `T₂ was NOT chunked (${t2.chunkRows === null ? 'no chunk table in the schema: chunked encoding is not merged' : `${t2.chunkRows} chunk rows`}; stages ${t2.phases.stages.join(' → ')}): the second worker sat idle, so T₂ here is an unchunked one-worker encode on one core and its targets say nothing yet.`,
      `Per-chunk overhead: bare ffmpeg on CPU 0, the worker's video ladder (buildHlsArgs, audio left out as chunks leave it) cut with -ss/-t, measured in ${overhead.basis === 'cpu' ? 'CPU time (GNU time), which neighbours\' load hardly moves' : 'wall time (no GNU time here)'}; ranges of ${[...new Set(overhead.samples.map((x) => x.durationS))].join(', ')} s from 0 (${overhead.rounds} round${overhead.rounds > 1 ? 's' : ''}) fitted to a line, whose intercept is the fixed cost per process; the seek is the same length from ${overhead.seekStartS} s minus from 0. Assembly is the job's assembly stage from job_events${t2.phases.assemblyMs === null ? ' — none in this run' : ''}.`,
      `Projection (on paper): serial part of T₂ (${projection.serialS.toFixed(1)} s) + ⌈${settings.chunks} chunks ÷ workers⌉ × (T₁'s encode phase ${projection.encodeS.toFixed(1)} s ÷ ${settings.chunks} + per-chunk ${perChunkS.toFixed(2)} s, a negative fit counted as 0). Beyond ${settings.chunks} workers only shorter chunks help.`,
    ],
  };
}

/** Issue 13 §3: T₁ vs T₂ vs today on a long source, per-chunk overhead, and a projection to N machines. */
export const chunkingBench: Benchmark = { name: 'chunking', title: 'Chunked encoding: T₁ vs T₂ vs today, per-chunk overhead, projection', run };
