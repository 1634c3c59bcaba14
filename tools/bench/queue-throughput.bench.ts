import { createId } from '@paralleldrive/cuid2';
import { loadConfig } from '@reelforge/config';
import { JobAdmission, JobsRepository, ADMIN_OWNER } from '@reelforge/db';
import { createRedisConnection, createQueue, createWorker, transcodeBullJobId, type TranscodeJobPayload } from '@reelforge/queue';
import { Worker } from 'bullmq';
import { MediaService } from '../../apps/api/src/media/media.service.js';
import { createTranscodeProcessor } from '../../apps/worker/src/transcode/transcode.processor.js';
import { median, medianMetric, ratio } from './bench.stats.js';
import type { Benchmark, BenchContext, BenchOutcome } from './bench.context.js';
import { startBenchEnv, type BenchEnv } from './bench.env.js';
import { addFile } from './bench.files.js';
import { uploadFile } from './bench.http.js';
import { benchLogger } from './bench.stack.js';
import type { Clip } from './inputs.factory.js';
import { benchLimits, defaultLadder, DEFAULT_MEDIA } from './ladder.plan.js';
import { NoopTranscodeService } from './noop-transcode.service.js';
import { apiConcurrent, apiSequential, drain, httpFloor, rawAdd, rawAddBulk, rawPayloads, serviceSequential } from './queue.drivers.js';

const CLIENTS = 16;
const WORKER_CONCURRENCY = 1;
const HALF = { op: '>=', value: 0.5 } as const;
/** Lock and stall settings of a worker started without JOB_* variables. */
const WORKER_DEFAULTS = loadConfig({}).worker;
const perSecond = (count: number, ms: number) => (count * 1000) / ms;

/** N queued jobs in Postgres and in BullMQ under `prefix`, as the API leaves them. */
async function queuedJobs(env: BenchEnv, clip: Clip, count: number, prefix: string): Promise<void> {
  const jobs = new JobsRepository(env.schema.pool);
  const payloads: TranscodeJobPayload[] = [];
  for (let i = 0; i < count; i += 1) {
    const fileId = await addFile(env.stack.files, clip);
    const created = await jobs.create({ owner: ADMIN_OWNER, id: createId(), fileId });
    const file = (await env.stack.files.findById(fileId))!;
    payloads.push({ jobId: created.job.id, fileId, originalName: file.originalName, sourceKey: file.storageKey });
  }
  const connection = createRedisConnection(env.redis.url, 'worker');
  const queue = createQueue('transcode', { connection, prefix, attempts: 1 });
  await queue.addBulk(payloads.map((data) => ({ name: 'transcode', data, opts: { jobId: transcodeBullJobId(data.jobId, 1) } })));
  await queue.close();
  connection.disconnect();
}

function workerOptions(env: BenchEnv, prefix: string) {
  const { lockDurationMs, stalledIntervalMs, maxStalledCount } = WORKER_DEFAULTS;
  return { connection: createRedisConnection(env.redis.url, 'worker'), prefix, concurrency: WORKER_CONCURRENCY, lockDurationMs, stalledIntervalMs, maxStalledCount };
}

async function machineryRate(env: BenchEnv, clip: Clip, count: number, round: number): Promise<number> {
  const prefix = `${env.queuePrefix}-m${round}`;
  await queuedJobs(env, clip, count, prefix);
  const jobs = new JobsRepository(env.schema.pool);
  const service = new NoopTranscodeService({ storage: env.stack.api.storage, defaultLadder: defaultLadder(DEFAULT_MEDIA), capabilities: { zscale: false }, ...benchLimits() });
  const options = workerOptions(env, prefix);
  const worker = createWorker('transcode', createTranscodeProcessor({ jobs, files: env.stack.files, service, workerId: `bench-${round}`, logger: benchLogger() }), { ...options, autorun: false });
  try {
    return perSecond(count, await drain(worker, count));
  } finally {
    options.connection.disconnect();
  }
}

async function rawWorkerRate(env: BenchEnv, count: number, round: number): Promise<number> {
  const prefix = `${env.queuePrefix}-r${round}`;
  const options = workerOptions(env, prefix);
  const queue = createQueue('transcode', { connection: options.connection, prefix, attempts: 1 });
  await rawAddBulk(queue, rawPayloads(count, 'short-360p.mp4'));
  const worker = new Worker('transcode', async () => ({}), {
    connection: options.connection,
    prefix,
    concurrency: WORKER_CONCURRENCY,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount,
    autorun: false,
  });
  try {
    return perSecond(count, await drain(worker, count));
  } finally {
    await queue.close();
    options.connection.disconnect();
  }
}

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const count = ctx.options.quick ? 300 : 1000;
  const rounds = 3;
  const env = await startBenchEnv(ctx, 'queue');
  const clip = await ctx.inputs.shortClip();
  // One real upload proves the path; the other rows are made directly (one active job per file).
  await uploadFile(env.stack.baseUrl, clip.path);
  const producer = createRedisConnection(env.redis.url, 'producer');
  ctx.cleanup.defer('producer', () => producer.disconnect());
  const rawQueue = createQueue('transcode', { connection: producer, prefix: `${env.queuePrefix}-raw`, attempts: 1 });
  ctx.cleanup.defer('raw queue', () => rawQueue.close());
  await rawQueue.waitUntilReady();

  const apiQueue = createQueue('transcode', { connection: producer, prefix: env.queuePrefix, attempts: 1 });
  ctx.cleanup.defer('api queue', () => apiQueue.close());
  const importQueue = createQueue('imports', { connection: producer, prefix: env.queuePrefix, attempts: 1 });
  ctx.cleanup.defer('import queue', () => importQueue.close());
  const media = new MediaService({
    files: env.stack.files,
    jobs: new JobsRepository(env.schema.pool),
    admission: new JobAdmission(env.schema.pool),
    quotas: { maxQueuedJobs: env.stack.config.quotas.maxQueuedJobs },
    storage: env.stack.api.storage,
    queue: apiQueue,
    queueRedis: producer,
    allowPrivateWebhooks: false,
    importQueue,
    allowPrivateImports: false,
    sniff: () => Promise.reject(new Error('no uploads in this benchmark')),
    ladderBounds: { maxHeight: 2160, slowestPreset: 'medium' },
    logger: benchLogger(),
  });

  const rates = { service: [] as number[], floor: [] as number[], apiSeq: [] as number[], apiConc: [] as number[], add: [] as number[], bulk: [] as number[], machinery: [] as number[], rawWorker: [] as number[] };
  const rows = async () => Promise.all(Array.from({ length: count }, () => addFile(env.stack.files, clip)));
  const steps: [string, () => Promise<void>][] = [
    ['API, 1 client', async () => void rates.apiSeq.push(perSecond(count, await apiSequential(env.stack.baseUrl, await rows())))],
    [`API, ${CLIENTS} clients`, async () => void rates.apiConc.push(perSecond(count, await apiConcurrent(env.stack.baseUrl, await rows(), CLIENTS)))],
    ['service call, no HTTP', async () => void rates.service.push(perSecond(count, await serviceSequential(media, await rows())))],
    ['GET /healthz', async () => void rates.floor.push(perSecond(count, await httpFloor(env.stack.baseUrl, count)))],
    ['raw add', async () => void rates.add.push(perSecond(count, await rawAdd(rawQueue, rawPayloads(count, clip.name))))],
    ['raw addBulk', async () => void rates.bulk.push(perSecond(count, await rawAddBulk(rawQueue, rawPayloads(count, clip.name))))],
  ];
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < steps.length; i += 1) {
      const [name, step] = steps[(round + i) % steps.length]!;
      ctx.log(`queue round ${round + 1}/${rounds}: ${count} × ${name}…`);
      await step();
    }
    const workerSteps: [string, () => Promise<void>][] = [
      ['worker machinery', async () => void rates.machinery.push(await machineryRate(env, clip, count, round))],
      ['raw worker', async () => void rates.rawWorker.push(await rawWorkerRate(env, count, round))],
    ];
    for (const [name, step] of round % 2 === 0 ? workerSteps : [...workerSteps].reverse()) {
      ctx.log(`queue round ${round + 1}/${rounds}: ${count} no-op jobs × ${name}…`);
      await step();
    }
  }
  // Nothing consumes the API's queue here, so every accepted request is still waiting in it.
  const counts = await apiQueue.getJobCounts('waiting', 'prioritized');
  const queued = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
  const expected = 3 * count * rounds;
  const paired = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]!));
  return {
    metrics: [
      medianMetric('API, 1 client', rates.apiSeq, 'per s'),
      medianMetric(`API, ${CLIENTS} clients`, rates.apiConc, 'per s'),
      medianMetric('  same service call without HTTP', rates.service, 'per s'),
      medianMetric('  HTTP floor: GET /healthz, 1 client', rates.floor, 'per s'),
      medianMetric('raw BullMQ add, sequential', rates.add, 'per s'),
      medianMetric('raw BullMQ addBulk', rates.bulk, 'per s'),
      medianMetric('worker machinery, no-op jobs', rates.machinery, 'per s'),
      medianMetric('raw BullMQ worker, no-op jobs', rates.rawWorker, 'per s'),
    ],
    ratios: [
      ratio('API (1 client) / raw add', 'median of per-round rate ratios', paired(rates.apiSeq, rates.add), 1, HALF),
      ratio(`API (${CLIENTS} clients) / raw add`, 'median of per-round rate ratios', paired(rates.apiConc, rates.add), 1, HALF),
      ratio(`API (${CLIENTS} clients) / raw addBulk`, 'median of per-round rate ratios', paired(rates.apiConc, rates.bulk), 1, null),
      ratio('worker machinery / raw worker', 'median of per-round rate ratios', paired(rates.machinery, rates.rawWorker), 1, HALF),
    ],
    notes: [
      `${count} requests or jobs per measurement, ${rounds} interleaved rounds, private redis-server (noeviction, appendfsync everysec) and Postgres schema.`,
      `API: POST /api/media/transcode over HTTP keep-alive, each creating a transcoding_jobs row (+ job_events, its BullMQ id recorded in the same insert) and a BullMQ job; ${queued} of ${expected} jobs made through the API and the service call are waiting in BullMQ. File rows are inserted directly (one real upload first), since a file may have one active job.`,
      'The service call without HTTP is MediaService.submitTranscode called directly (same queries and enqueue); GET /healthz with the same fetch client shows what HTTP alone costs per request in this process.',
      'Raw add/addBulk: the same Queue factory and payload shape, no HTTP or Postgres.',
      `Worker: concurrency ${WORKER_CONCURRENCY} (WORKER_CONCURRENCY default). Machinery = the real processor (Postgres claim, progress writer, completion row, BullMQ progress event) around a TranscodeService stand-in whose run() returns at once — a benchmark harness, not a test mock. Raw = a BullMQ Worker with a no-op processor.`,
    ],
  };
}

/** Issue 8 §4: what the service adds on top of BullMQ when accepting and finishing jobs. */
export const queueThroughputBench: Benchmark = { name: 'queue-throughput', title: 'Queue throughput', run };
