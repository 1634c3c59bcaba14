import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createApiRuntime, type ApiRuntime } from '../../apps/api/src/api.runtime.js';
import { ProgressEventSchema, TranscodeStatusSchema } from '../../apps/api/src/openapi/response.schemas.js';
import { createWorkerRuntime, type WorkerRuntime } from '../../apps/worker/src/worker.runtime.js';
import { auth, submitTranscode, uploadFile } from '../support/http.js';
import { openSse, type SseMessage, type SseStream } from '../support/sse.client.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const STAGES = ['queued', 'probing', 'encoding', 'uploading', 'finalizing', 'done'];
const STREAM_ID = /^\d+-\d+$/;

const compareIds = (a: string, b: string) => {
  const [aMs, aSeq] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bMs, bSeq] = b.split('-').map(BigInt) as [bigint, bigint];
  return aMs === bMs ? Number(aSeq - bSeq) : Number(aMs - bMs);
};

/** The percent a client shows after each event: state and final events carry `progress`, progress events `percent`. */
const percentOf = (m: SseMessage) => {
  const data = JSON.parse(m.data) as { progress?: number; percent?: number };
  return data.progress ?? data.percent!;
};

/** Every event of a finished stream, checked against the contract in /openapi.json. */
function expectWellFormed(messages: SseMessage[], finalEvent: string) {
  expect(messages[0]?.event).toBe('state');
  expect(messages.at(-1)?.event).toBe(finalEvent);
  for (const m of messages) {
    expect(m.id).toMatch(STREAM_ID);
    if (m.event === 'progress') ProgressEventSchema.parse(JSON.parse(m.data));
    else TranscodeStatusSchema.parse(JSON.parse(m.data));
  }
  const ids = messages.map((m) => m.id!);
  for (let i = 1; i < ids.length; i += 1) expect(compareIds(ids[i]!, ids[i - 1]!)).toBeGreaterThanOrEqual(0);
  const percents = messages.map(percentOf);
  expect(percents).toEqual([...percents].sort((a, b) => a - b));
}

async function listen(runtime: ApiRuntime): Promise<{ server: Server; baseUrl: string }> {
  const server: Server = await new Promise((resolve) => {
    const s = runtime.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

async function openStreams(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^reelforge_sse_streams (\d+)$/m.exec(text)?.[1]);
}

/** Generous limits on waits for events (a stream ending, a count dropping), never a measure of their speed. */
const LIMIT_MS = 30_000;

async function eventually(check: () => Promise<boolean>, timeoutMs = LIMIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('live progress over Server-Sent Events', () => {
  let stack: TestStack;
  let replica: ApiRuntime;
  let replicaServer: Server;
  let replicaUrl: string;
  let worker: WorkerRuntime | undefined;
  let source: string;
  const logger = pino({ level: 'silent' });
  async function progressIdsInRedis(bullJobId: string): Promise<string[]> {
    const redis = new Redis(stack.config.redis.url!);
    try {
      const entries = await redis.xrange(stack.queue.toKey('events'), '-', '+');
      return entries.filter(([, fields]) => fields.join(' ').startsWith(`event progress jobId ${bullJobId} `)).map(([id]) => id);
    } finally {
      redis.disconnect();
    }
  }
  const eventsUrl = (baseUrl: string, fileId: string) => `${baseUrl}/api/media/transcode/${fileId}/events`;

  async function queuedJob(): Promise<{ fileId: string; jobId: string }> {
    const upload = await uploadFile(stack.baseUrl, source, 'live.mp4');
    const { fileId } = (await upload.json()) as { fileId: string };
    const submit = await submitTranscode(stack.baseUrl, { fileId });
    expect(submit.status).toBe(202);
    const { jobId } = (await submit.json()) as { jobId: string };
    return { fileId, jobId };
  }

  beforeAll(async () => {
    // No worker yet: the job waits until every client is connected.
    stack = await startTestStack({ worker: false, env: { SSE_HEARTBEAT_MS: '150' } });
    // A second API process on the same Postgres and Redis, as another replica behind a load balancer.
    replica = createApiRuntime(stack.config, logger);
    ({ server: replicaServer, baseUrl: replicaUrl } = await listen(replica));
    source = await makeFixture('landscape-720p', { durationS: 3 });
  });
  afterAll(async () => {
    await worker?.close(0);
    replica.endStreams();
    await new Promise<void>((resolve) => replicaServer.close(() => resolve()));
    await replica.close();
    stack.api.endStreams();
    await stack.stop();
    await cleanupFixtures();
  });

  let finished: { fileId: string; lastId: string };

  it('when clients on two replicas follow a job one worker runs, then each gets state, monotonic progress and the final event, then the end', async () => {
    const { fileId, jobId } = await queuedJob();
    const onFirst = await openSse(eventsUrl(stack.baseUrl, fileId), auth);
    const onSecond = await openSse(eventsUrl(replicaUrl, fileId), auth);
    const resumer = await openSse(eventsUrl(stack.baseUrl, fileId), auth);
    expect(onFirst.response.status).toBe(200);
    expect(onFirst.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    for (const stream of [onFirst, onSecond, resumer]) {
      const first = await stream.next();
      expect(first?.event).toBe('state');
      expect(JSON.parse(first!.data)).toMatchObject({ jobId, fileId, status: 'queued', progress: 0 });
    }
    expect(await openStreams(stack.baseUrl)).toBe(2);
    expect(await openStreams(replicaUrl)).toBe(1);

    worker = await createWorkerRuntime(stack.config, logger);

    // One client drops after the first progress event and comes back on the other replica.
    let seen: SseMessage | null;
    do seen = await resumer.next();
    while (seen && seen.event !== 'progress');
    expect(seen?.event).toBe('progress');
    resumer.close();
    const resumed = await openSse(eventsUrl(replicaUrl, fileId), { ...auth, 'last-event-id': seen!.id! });

    const [first, second, afterResume] = await Promise.all([onFirst.rest(), onSecond.rest(), resumed.rest()]);
    for (const messages of [first, second]) {
      expectWellFormed(messages, 'completed');
      const stages = messages.filter((m) => m.event === 'progress').map((m) => (JSON.parse(m.data) as { stage: string }).stage);
      expect(stages).toContain('encoding');
      expect(stages.map((s) => STAGES.indexOf(s))).toEqual(stages.map((s) => STAGES.indexOf(s)).sort((a, b) => a - b));
      const final = TranscodeStatusSchema.parse(JSON.parse(messages.at(-1)!.data));
      expect(final).toMatchObject({ jobId, status: 'completed', progress: 100, stage: 'done', error: null });
      expect(final.hlsUrl).toMatch(new RegExp(`/hls/${fileId}/${jobId}/1/master\\.m3u8$`));
    }
    // Both replicas relayed every progress event the worker wrote to the queue's Redis stream, in order.
    const idsOf = (messages: SseMessage[]) => messages.filter((m) => m.event === 'progress').map((m) => m.id);
    expect(idsOf(first)).toEqual(await progressIdsInRedis(`${jobId}.1`));
    expect(idsOf(second)).toEqual(idsOf(first));
    expect(onFirst.comments()).toBeGreaterThan(0);

    // The resumed stream starts from the current state, never behind what the client had seen.
    expect(['state', 'completed']).toContain(afterResume[0]?.event);
    expect(compareIds(afterResume[0]!.id!, seen!.id!)).toBeGreaterThanOrEqual(0);
    expect(percentOf(afterResume[0]!)).toBeGreaterThanOrEqual(percentOf(seen!));
    expect(afterResume.at(-1)?.event).toBe('completed');

    await eventually(async () => (await openStreams(stack.baseUrl)) === 0 && (await openStreams(replicaUrl)) === 0);
    finished = { fileId, lastId: first.at(-1)!.id! };
  });

  it('when the job is already over, then the final event comes at once and the stream ends', async () => {
    for (const headers of [auth, { ...auth, 'last-event-id': finished.lastId }]) {
      const stream = await openSse(eventsUrl(replicaUrl, finished.fileId), headers);
      const messages = await stream.rest(LIMIT_MS);
      expect(messages.map((m) => m.event)).toEqual(['completed']);
      expect(JSON.parse(messages[0]!.data)).toMatchObject({ status: 'completed', progress: 100 });
    }
  });

  it('when a client disconnects or the job is cancelled while queued, then streams close and nothing is left subscribed', async () => {
    await worker?.close(0);
    worker = undefined;
    const { fileId, jobId } = await queuedJob();
    const staying: SseStream = await openSse(eventsUrl(stack.baseUrl, fileId), auth);
    const leaving: SseStream = await openSse(eventsUrl(stack.baseUrl, fileId), auth);
    expect((await staying.next())?.event).toBe('state');
    expect((await leaving.next())?.event).toBe('state');
    expect(await openStreams(stack.baseUrl)).toBe(2);

    leaving.close();
    await eventually(async () => (await openStreams(stack.baseUrl)) === 1);

    // Cancelled through the API: removing the queued BullMQ job is the queue event the stream rechecks on (no polling).
    expect((await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}/cancel`, { method: 'POST', headers: auth })).status).toBe(202);
    const rest = await staying.rest(LIMIT_MS);
    expect(rest.map((m) => m.event)).toEqual(['cancelled']);
    expect(JSON.parse(rest[0]!.data)).toMatchObject({ jobId, status: 'cancelled' });
    await eventually(async () => (await openStreams(stack.baseUrl)) === 0);
  });

  it('when the token is missing or the file is unknown, then it is a problem response, not a stream', async () => {
    const anonymous = await fetch(eventsUrl(stack.baseUrl, 'abc123'));
    expect(anonymous.status).toBe(401);
    const unknown = await fetch(eventsUrl(stack.baseUrl, 'nosuchfile'), { headers: auth });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await unknown.json()).toMatchObject({ code: 'file_not_found' });
  });
});
