import type { Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import type { JobView } from '@reelforge/db';
import { cancelChannel, closeBullmq, createQueue, createRedisConnection, publishCancel, transcodeBullJobId, type TranscodeQueue } from '@reelforge/queue';
import express from 'express';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the shared SSE client lives in the root test/support
import { openSse, type SseStream } from '../../../test/support/sse.client.js';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the shared wait helper lives in the root test/support
import { waitFor } from '../../../test/support/wait.js';
import { createLiveEvents, type LiveEvents } from '../src/events/live-events.factory.js';
import { NotFoundError } from '../src/http/app.errors.js';
import { ADMIN_CALLER, ownerCaller } from '../src/http/caller.js';
import { problemMiddleware } from '../src/http/problem.middleware.js';

const HEARTBEAT_MS = 20;
const LIMITS = { perOwner: 2, total: 3 };

const view = (jobId: string, patch: Partial<JobView> = {}): JobView => ({
  fileId: `f${jobId}`,
  jobId,
  status: 'queued',
  progress: 0,
  playable: false,
  playableAt: null,
  stage: 'queued',
  attempts: 0,
  renditions: [],
  hlsUrl: null,
  posterUrl: null,
  error: null,
  createdAt: new Date(0).toISOString(),
  queuedAt: new Date(0).toISOString(),
  startedAt: null,
  finishedAt: null,
  updatedAt: new Date(0).toISOString(),
  ...patch,
});

/**
 * The live-progress service on the real hub (BullMQ QueueEvents and cancel broadcasts on a real
 * Redis) behind a real HTTP server; only the status reader is replaced, by one that counts its reads:
 * each read is a Postgres query in production.
 */
describe('live progress streams: limits, and rechecks driven by the event hub', () => {
  const logger = pino({ level: 'silent' });
  const prefix = `rf-live-${createId().slice(0, 10)}`;
  const states = new Map<string, JobView>();
  let reads = 0;
  let producer: Redis;
  let queue: TranscodeQueue;
  let live: LiveEvents;
  let server: Server;
  let baseUrl: string;
  const open: SseStream[] = [];

  const follow = async (fileId: string, owner: string) => {
    const stream = await openSse(`${baseUrl}/events/${fileId}`, { 'x-owner': owner });
    open.push(stream);
    return stream;
  };
  const newJob = (patch: Partial<JobView> = {}) => {
    const jobId = createId();
    const state = view(jobId, patch);
    states.set(state.fileId, state);
    return state;
  };
  const setState = (state: JobView, patch: Partial<JobView>) => states.set(state.fileId, { ...state, ...patch });

  beforeAll(async () => {
    producer = createRedisConnection(process.env.REELFORGE_TEST_REDIS_URL!, 'producer');
    queue = createQueue('transcode', { connection: producer, prefix, attempts: 1 });
    await queue.waitUntilReady();
    live = createLiveEvents({
      redisUrl: process.env.REELFORGE_TEST_REDIS_URL!,
      prefix,
      queueRedis: producer,
      status: async (fileId) => {
        reads += 1;
        const state = states.get(fileId);
        if (!state) throw new NotFoundError('file_not_found', 'No uploaded file with that id.');
        return state;
      },
      heartbeatMs: HEARTBEAT_MS,
      streamLimits: LIMITS,
      logger,
    });
    const app = express();
    app.get('/events/:fileId', async (req, res) => {
      const caller = req.get('x-owner') === 'admin' ? ADMIN_CALLER : ownerCaller(req.get('x-owner')!);
      await live.service.open({ fileId: req.params.fileId, caller, lastEventId: undefined, res, log: logger });
    });
    app.use(problemMiddleware(logger));
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    // The event reader starts at the stream's end: it must be blocked in XREAD before a test counts on its events.
    await waitFor('the queue events reader to block in XREAD', async () =>
      ((await producer.client('LIST')) as string).split('\n').some((line) => line.includes(`name=${prefix}:`) && line.includes('cmd=xread')) || undefined,
    );
    await waitFor('the cancel broadcast subscription', async () => (((await producer.pubsub('NUMSUB', cancelChannel(prefix))) as [string, number])[1] > 0 ? true : undefined));
  });
  afterEach(async () => {
    for (const stream of open.splice(0)) stream.close();
    await waitFor('streams to close', async () => (live.service.openStreams() === 0 ? true : undefined));
  });
  afterAll(async () => {
    await live?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await closeBullmq(queue, producer);
    producer?.disconnect();
  });

  it('when streams sit idle through many heartbeats, then they read nothing from Postgres', async () => {
    const jobs = [newJob({ status: 'processing', attempts: 1 }), newJob(), newJob()];
    const streams = await Promise.all(jobs.map((job, i) => follow(job.fileId, `idle-${i}`)));
    for (const stream of streams) expect((await stream.next())?.event).toBe('state');
    const readsAfterOpen = reads;
    // Keep reading each stream (comments are counted as they are read); no event is expected, so these end with the stream.
    const reading = streams.map((stream) => stream.next(60_000).catch(() => null));
    await waitFor('ten heartbeats on every stream', async () => (streams.every((s) => s.comments() >= 10) ? true : undefined));
    expect(reads).toBe(readsAfterOpen);
    for (const stream of open.splice(0)) stream.close();
    expect(await Promise.all(reading)).toEqual([null, null, null]);
  });

  it('when the job completes, then its queue event makes the stream look, send the final state and end', async () => {
    const job = newJob({ status: 'processing', attempts: 1 });
    const bullId = transcodeBullJobId(job.jobId, 1);
    await queue.add('transcode', { jobId: job.jobId, fileId: job.fileId, originalName: 'clip.mp4', sourceKey: 'uploads/x/source' }, { jobId: bullId });
    const stream = await follow(job.fileId, 'completer');
    expect((await stream.next())?.event).toBe('state');
    setState(job, { status: 'completed', progress: 100, stage: 'done' });
    // Removing the BullMQ job is one of the lifecycle events the hub relays, like `completed`.
    await queue.remove(bullId);
    const rest = await stream.rest();
    expect(rest.map((m) => m.event)).toEqual(['completed']);
  });

  it('when a job is cancelled by broadcast only (no queue event), then the stream hears the broadcast and ends with the cancelled state', async () => {
    const job = newJob();
    const stream = await follow(job.fileId, 'canceller');
    expect((await stream.next())?.event).toBe('state');
    setState(job, { status: 'cancelled', stage: 'queued' });
    await publishCancel(producer, prefix, job.jobId);
    const rest = await stream.rest();
    expect(rest.map((m) => m.event)).toEqual(['cancelled']);
  });

  it('when the event reader reconnects after losing Redis, then every stream looks again and one whose job ended meanwhile ends', async () => {
    const job = newJob({ status: 'processing', attempts: 1 });
    const stream = await follow(job.fileId, 'resync');
    expect((await stream.next())?.event).toBe('state');
    const before = reads;
    setState(job, { status: 'failed', error: { code: 'ffmpeg_failed', message: 'gone while Redis was away' } });
    // What the factory does on the reader connection's next 'ready'.
    live.hub.resyncAll();
    const rest = await stream.rest();
    expect(rest.map((m) => m.event)).toEqual(['failed']);
    expect(reads).toBe(before + 1);
  });

  it("when an owner opens more streams than allowed, then the extra one gets 429 with Retry-After; other owners still get theirs up to the server's limit", async () => {
    const jobs = [newJob(), newJob(), newJob(), newJob(), newJob()];
    await follow(jobs[0]!.fileId, 'heavy');
    await follow(jobs[1]!.fileId, 'heavy');
    const refused = await fetch(`${baseUrl}/events/${jobs[2]!.fileId}`, { headers: { 'x-owner': 'heavy' } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(await refused.json()).toMatchObject({ code: 'too_many_streams', status: 429 });

    expect((await follow(jobs[3]!.fileId, 'light')).response.status).toBe(200);
    const full = await fetch(`${baseUrl}/events/${jobs[4]!.fileId}`, { headers: { 'x-owner': 'third' } });
    expect(full.status).toBe(429);
    expect(await full.json()).toMatchObject({ code: 'too_many_streams', details: { limit: LIMITS.total } });

    // A stream that ends gives its slot back.
    open.shift()!.close();
    await waitFor('the closed stream to be released', async () => (live.service.openStreams() === 2 ? true : undefined));
    expect((await follow(jobs[2]!.fileId, 'heavy')).response.status).toBe(200);
  });

  it("when an administrator follows more jobs than an owner may, then only the server's limit applies", async () => {
    const jobs = [newJob(), newJob(), newJob(), newJob()];
    for (const job of jobs.slice(0, LIMITS.total)) expect((await follow(job.fileId, 'admin')).response.status).toBe(200);
    const full = await fetch(`${baseUrl}/events/${jobs[LIMITS.total]!.fileId}`, { headers: { 'x-owner': 'admin' } });
    expect(full.status).toBe(429);
    expect(await full.json()).toMatchObject({ code: 'too_many_streams', details: { limit: LIMITS.total } });
  });

  it('when opening fails (unknown file), then the slot is given back', async () => {
    for (let i = 0; i < LIMITS.perOwner + 1; i += 1) {
      const res = await fetch(`${baseUrl}/events/nosuchfile`, { headers: { 'x-owner': 'unlucky' } });
      expect(res.status).toBe(404);
    }
  });
});
