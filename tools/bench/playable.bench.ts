import { performance } from 'node:perf_hooks';
import { loadConfig } from '@reelforge/config';
import type { Benchmark, BenchContext, BenchOutcome } from './bench.context.js';
import { startBenchEnv } from './bench.env.js';
import { submitTranscode, uploadFile } from './bench.http.js';
import { median, medianMetric, ratio } from './bench.stats.js';
import type { Metric, RatioResult } from './bench.types.js';
import { watchCompletions } from './completion.watcher.js';
import { readJobTimes, readTimeline } from './job.rows.js';
import { cancelTranscode, fetchFirstSegments, waitUntilPlayable } from './playable.probe.js';
import { startWorkerProcesses } from './worker.processes.js';

/** Issue 13 §3: time to playable ≤ 10 s (median of 3) for each source, on one 2-core worker. */
export const PLAYABLE_TARGET_S = 10;
const RUNS = 3;
const PLAYABLE_TIMEOUT_MS = 180_000;
const RELEASE_TIMEOUT_MS = 60_000;
const DEFAULT_CHUNKING = (() => {
  const chunking = loadConfig({}).media.chunking;
  return chunking ? `${chunking.minDurationS} s; parts of about ${chunking.chunkSeconds} s` : 'off';
})();

const lengthLabel = (s: number): string => (s < 60 ? `${s} s` : `${s / 60} min`);

interface PlayableRun {
  /** POST /transcode → master and every rendition's first segment fetched over HTTP (the headline). */
  fetchableS: number;
  /** The job row's queued_at → playable_at (server side, no polling in it). */
  serverS: number;
  /** queued → the encoding stage began (queue wait + probe + start-up). */
  beforeEncodeS: number;
}

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const env = await startBenchEnv(ctx, 'playable');
  const watcher = await watchCompletions(env.redis.url, env.queuePrefix);
  ctx.cleanup.defer('watcher', () => watcher.close());
  // One worker process at the defaults, on both cores: "one 2-core worker".
  const [worker] = await startWorkerProcesses(env, [{ core: null, env: {} }]);
  ctx.cleanup.defer('worker', () => worker!.terminate());

  const metrics: Metric[] = [];
  const ratios: RatioResult[] = [];
  const uploads: string[] = [];
  for (const lengthS of ctx.inputs.playableLengthsS()) {
    const clip = await ctx.inputs.fullHd(lengthS);
    const uploadStarted = performance.now();
    const fileId = await uploadFile(env.stack.baseUrl, clip.path);
    uploads.push(`${lengthLabel(lengthS)} (${(clip.bytes / 1024 ** 2).toFixed(0)} MiB): ${((performance.now() - uploadStarted) / 1000).toFixed(1)} s`);
    const runs: PlayableRun[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      ctx.log(`playable: ${lengthLabel(lengthS)} source, run ${i + 1}/${RUNS}…`);
      const started = performance.now();
      const jobId = await submitTranscode(env.stack.baseUrl, { fileId });
      const masterUrl = await waitUntilPlayable(env.stack.baseUrl, fileId, PLAYABLE_TIMEOUT_MS);
      await fetchFirstSegments(masterUrl);
      const fetchableS = (performance.now() - started) / 1000;
      // Playable is all this measures: stop the rest of the encode, and wait until the worker is free again.
      await cancelTranscode(env.stack.baseUrl, fileId);
      await watcher.waitForIdle(RELEASE_TIMEOUT_MS);
      const times = await readJobTimes(env.schema.pool, jobId);
      const encoding = (await readTimeline(env.schema.pool, jobId)).find((e) => e.kind === 'stage' && e.to === 'encoding');
      runs.push({
        fetchableS,
        serverS: (times.playableAtMs! - times.queuedAtMs) / 1000,
        beforeEncodeS: encoding ? (encoding.atMs - times.queuedAtMs) / 1000 : Number.NaN,
      });
    }
    const label = lengthLabel(lengthS);
    const fetchable = runs.map((r) => r.fetchableS);
    metrics.push(
      medianMetric(`${label}: POST → first segments fetchable`, fetchable, 's'),
      medianMetric(`  ${label}: queued_at → playable_at (server)`, runs.map((r) => r.serverS), 's'),
      medianMetric(`  ${label}: of which queued → encoding`, runs.map((r) => r.beforeEncodeS), 's'),
    );
    ratios.push(ratio(`time to playable, ${label} / ${PLAYABLE_TARGET_S} s`, `median of ${RUNS} ÷ ${PLAYABLE_TARGET_S} s target`, median(fetchable), PLAYABLE_TARGET_S, { op: '<=', value: 1 }));
  }
  return {
    metrics,
    ratios,
    notes: [
      `1080p30 sources (testsrc2 + sine, ~20 Mbit/s), uploaded once each over HTTP (${uploads.join('; ')}; upload time not included), then ${RUNS} jobs per source on one worker process at the default settings (both cores, WORKER_CONCURRENCY=1).`,
      'Timed from POST /api/media/transcode to the moment GET status said playable (polled every 50 ms) and the master, every rendition playlist and each one\'s first segment had been fetched over HTTP; then the job is cancelled and the next run waits until the worker released it.',
      'Server side: the job row\'s queued_at → playable_at, on Postgres\' clock (no client polling in it).',
      `At the default settings a source of CHUNK_MIN_DURATION_S (${DEFAULT_CHUNKING}) or longer is encoded in parts, here one after another on this one worker: the job is playable once the first part has a segment of every rendition.`,
    ],
  };
}

/** Issue 13 §3: time to playable for 10 s, 3 min and 10 min 1080p sources. */
export const playableBench: Benchmark = { name: 'playable', title: 'Time to playable (progressive publishing)', run };
