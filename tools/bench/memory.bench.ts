import { rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '@reelforge/process';
import { transcodeBullJobId } from '@reelforge/queue';
import { spawnApp } from '../../test/support/app-process.js';
import type { Benchmark, BenchContext, BenchOutcome } from './bench.context.js';
import { startBenchEnv, type BenchEnv } from './bench.env.js';
import { addFile } from './bench.files.js';
import { submitTranscode, waitForHttp } from './bench.http.js';
import { BENCH_TOKEN, stackEnv } from './bench.stack.js';
import { ratio, slope } from './bench.stats.js';
import type { Metric } from './bench.types.js';
import { watchCompletions } from './completion.watcher.js';
import { readProcMemory, resetPeakRss, startRssSampler } from './proc.reader.js';
import { streamPaddedMp4 } from './upload.stream.js';

const MiB = 1024 ** 2;
const KIB_PER_MIB = 1024;
const START_TIMEOUT_MS = 90_000;

interface UploadPeak {
  sizeMiB: number;
  idleMiB: number;
  peakMiB: number;
  seconds: number;
  exact: boolean;
}

/** A fresh API process per size, so each peak belongs to one upload. */
async function apiUploadPeak(ctx: BenchContext, env: BenchEnv, sizeMiB: number): Promise<UploadPeak> {
  const port = await freePort();
  const api = await spawnApp('api', {
    ...stackEnv({ schema: env.schema, redisUrl: env.redis.url, queuePrefix: env.queuePrefix, storage: { kind: 'local', dir: env.storageDir } }),
    PORT: String(port),
    MAX_UPLOAD_BYTES: String(4 * 1024 * MiB),
  });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, START_TIMEOUT_MS, api.alive);
    const idle = await readProcMemory(api.pid);
    const exact = await resetPeakRss(api.pid);
    const sampler = startRssSampler(api.pid, 25, () => performance.now());
    ctx.log(`memory: streaming a ${sizeMiB} MiB upload to a fresh API process…`);
    const upload = await streamPaddedMp4(new URL(`http://127.0.0.1:${port}/api/media/upload`), BENCH_TOKEN, (await ctx.inputs.lowResClip()).path, sizeMiB * MiB);
    await sampler.stop();
    const after = await readProcMemory(api.pid);
    if (upload.status !== 201) throw new Error(`the ${sizeMiB} MiB upload was refused: ${upload.status} ${upload.body.slice(0, 300)}`);
    const sampledPeak = Math.max(...sampler.samples.map((s) => s.rssKiB));
    const peakKiB = exact && after ? after.hwmKiB : sampledPeak;
    return { sizeMiB, idleMiB: (idle?.rssKiB ?? 0) / KIB_PER_MIB, peakMiB: peakKiB / KIB_PER_MIB, seconds: upload.ms / 1000, exact };
  } catch (err) {
    throw new Error(`${(err as Error).message}\napi output:\n${api.output()}`);
  } finally {
    await api.terminate();
    await rm(path.join(env.storageDir, 'uploads'), { recursive: true, force: true });
  }
}

interface WorkerMemory {
  jobs: number;
  idleMiB: number;
  firstJobMiB: number;
  maxMiB: number;
  endMiB: number;
  slopeKiBPerJob: number;
  /** RSS after each job in MiB ('–' where two jobs finished between samples). */
  series: string[];
}

/** One worker process running `jobs` short jobs back to back; its own RSS (ffmpeg is a separate process). */
async function workerOverJobs(ctx: BenchContext, env: BenchEnv, jobs: number): Promise<WorkerMemory> {
  const clip = await ctx.inputs.lowResClip();
  const healthPort = await freePort();
  const worker = await spawnApp('worker', {
    ...stackEnv({ schema: env.schema, redisUrl: env.redis.url, queuePrefix: env.queuePrefix, storage: { kind: 'local', dir: env.storageDir } }),
    WORKER_HEALTH_PORT: String(healthPort),
    WORKER_CONCURRENCY: '1',
    LADDER_HEIGHTS: '240',
  });
  const watcher = await watchCompletions(env.redis.url, env.queuePrefix);
  try {
    await waitForHttp(`http://127.0.0.1:${healthPort}/healthz`, START_TIMEOUT_MS, worker.alive);
    const idle = await readProcMemory(worker.pid);
    const sampler = startRssSampler(worker.pid, 100, () => performance.now());
    const fileIds: string[] = [];
    for (let i = 0; i < jobs; i += 1) fileIds.push(await addFile(env.stack.files, clip, env.stack.api.storage));
    const bullIds: string[] = [];
    for (const fileId of fileIds) bullIds.push(transcodeBullJobId(await submitTranscode(env.stack.baseUrl, { fileId }), 1));
    const atJob: number[] = [];
    await watcher.waitForAll(bullIds, jobs * 60_000, (done) => {
      if (done === 0) return;
      void sampler.sampleNow().then((s) => {
        if (s) atJob[done - 1] = s.rssKiB;
      });
      if (done % 5 === 0) ctx.log(`memory: worker finished ${done}/${jobs} jobs`);
    });
    const end = await sampler.sampleNow();
    await sampler.stop();
    const points = atJob.map((rss, i) => ({ job: i + 1, rss })).filter((p) => p.rss !== undefined && p.job >= 2);
    return {
      jobs,
      idleMiB: (idle?.rssKiB ?? 0) / KIB_PER_MIB,
      firstJobMiB: (atJob[0] ?? 0) / KIB_PER_MIB,
      maxMiB: Math.max(...sampler.samples.map((s) => s.rssKiB)) / KIB_PER_MIB,
      endMiB: (end?.rssKiB ?? 0) / KIB_PER_MIB,
      slopeKiBPerJob: slope(
        points.map((p) => p.job),
        points.map((p) => p.rss),
      ),
      series: Array.from(atJob, (kib) => (kib === undefined ? '–' : String(Math.round(kib / KIB_PER_MIB)))),
    };
  } catch (err) {
    throw new Error(`${(err as Error).message}\nworker output:\n${worker.output()}`);
  } finally {
    await watcher.close();
    await worker.terminate();
  }
}

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const [small, large] = ctx.options.quick ? [128, 512] : [256, 1024];
  const jobs = ctx.options.quick ? 15 : 50;
  const env = await startBenchEnv(ctx, 'memory');
  const smallPeak = await apiUploadPeak(ctx, env, small);
  const largePeak = await apiUploadPeak(ctx, env, large);
  ctx.log(`memory: one worker process, ${jobs} jobs…`);
  const w = await workerOverJobs(ctx, env, jobs);
  const uploadMetrics = (p: UploadPeak): Metric[] => [
    { label: `API idle RSS before ${p.sizeMiB} MiB upload`, value: p.idleMiB, unit: 'MiB' },
    { label: `API peak RSS during ${p.sizeMiB} MiB upload`, value: p.peakMiB, unit: 'MiB' },
    { label: `  upload time (${Math.round(p.sizeMiB / p.seconds)} MiB/s)`, value: p.seconds, unit: 's' },
  ];
  return {
    metrics: [
      ...uploadMetrics(smallPeak),
      ...uploadMetrics(largePeak),
      { label: 'worker RSS idle (start)', value: w.idleMiB, unit: 'MiB' },
      { label: 'worker RSS after job 1', value: w.firstJobMiB, unit: 'MiB' },
      { label: `worker RSS max over ${w.jobs} jobs`, value: w.maxMiB, unit: 'MiB' },
      { label: `worker RSS after job ${w.jobs} (end)`, value: w.endMiB, unit: 'MiB' },
      { label: `worker RSS slope, jobs 2–${w.jobs}`, value: w.slopeKiBPerJob, unit: 'KiB/job' },
    ],
    ratios: [
      ratio(`API peak ${large} MiB / ${small} MiB upload`, 'peak RSS with the larger body ÷ with the smaller', largePeak.peakMiB, smallPeak.peakMiB, { op: '<=', value: 1.1 }),
      ratio('worker RSS end / after job 1', `RSS after job ${w.jobs} ÷ after job 1`, w.endMiB, w.firstJobMiB, { op: '<=', value: 1.1 }),
    ],
    notes: [
      `Processes run from source under tsx (as npm start does); a bundled build starts smaller. RSS of the Node process only, sampled from /proc; ffmpeg and ffprobe are separate processes.`,
      `Upload bodies: the ${(await ctx.inputs.lowResClip()).durationS} s 240p clip followed by a zero-filled MP4 'free' box up to the size, streamed over HTTP; the API spools it to disk, sniffs it with ffprobe and copies it into local storage. ${smallPeak.exact && largePeak.exact ? 'Peaks are the kernel high-water mark (VmHWM reset just before the upload).' : 'Peaks are sampled every 25 ms.'}`,
      `Worker: ${w.jobs} jobs of the 240p clip, one 240p rendition, WORKER_CONCURRENCY=1, submitted at once; RSS read as each job completes. Targets (≤ 1.10×) are ours: issue 8 asks for "bounded, independent of size" and "no growth".`,
      `Worker RSS after each job (MiB): ${w.series.join(' ')}. V8 grows its heap until a major collection, so RSS is a sawtooth; fewer jobs than one cycle show only the rise.`,
    ],
  };
}

/** Issue 8 §5: the API's memory does not follow the upload size; the worker's does not grow with jobs. */
export const memoryBench: Benchmark = { name: 'memory', title: 'Memory (API upload, worker over many jobs)', run };
