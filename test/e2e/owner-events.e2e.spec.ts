import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiKeysRepository } from '@reelforge/db';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { createRedisConnection } from '@reelforge/queue';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { StreamTokenStore } from '../../apps/api/src/events/stream-token.store.js';
import { auth, bearer, submitTranscode, uploadFile } from '../support/http.js';
import { openSse, type SseMessage, type SseStream } from '../support/sse.client.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

/** Every log line the stack writes, to check what the access log says about the event stream's URL. */
const logLines: string[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

interface JobEvent {
  jobId: string;
  fileId: string;
  status: string;
  progress: number;
}

describe('owner-wide event stream GET /api/events', () => {
  let stack: TestStack;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  let clip: string;

  const streamToken = async (headers: Record<string, string>): Promise<{ token: string; expiresAt: string }> => {
    const res = await fetch(`${stack.baseUrl}/api/events/stream-tokens`, { method: 'POST', headers });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return (await res.json()) as { token: string; expiresAt: string };
  };
  const streamUrl = (token: string) => {
    const url = new URL('/api/events', stack.baseUrl);
    url.searchParams.set('token', token);
    return url.href;
  };
  const openStream = async (headers: Record<string, string>): Promise<SseStream> => {
    const stream = await openSse(streamUrl((await streamToken(headers)).token));
    expect(stream.response.status).toBe(200);
    expect((await stream.next())?.event).toBe('ready');
    return stream;
  };
  const upload = async (headers: Record<string, string>): Promise<string> => {
    const res = await uploadFile(stack.baseUrl, clip, 'clip.mp4', headers);
    expect(res.status).toBe(201);
    return ((await res.json()) as { fileId: string }).fileId;
  };
  /** Events until `until` says stop (inclusive). */
  const collect = async (stream: SseStream, until: (message: SseMessage) => boolean): Promise<SseMessage[]> => {
    const seen: SseMessage[] = [];
    for (let message = await stream.next(45_000); message; message = await stream.next(45_000)) {
      seen.push(message);
      if (until(message)) return seen;
    }
    throw new Error(`the stream ended before the awaited event; saw ${seen.map((m) => m.event).join(', ')}`);
  };

  beforeAll(async () => {
    stack = await startTestStack({
      // One stream per owner: the owner-wide stream must take exactly one slot.
      env: { SSE_MAX_STREAMS_PER_OWNER: '1', SSE_HEARTBEAT_MS: '1000' },
      logger: pino({ level: 'info' }, logSink),
    });
    const keys = new ApiKeysRepository(stack.db.pool);
    alice = bearer((await keys.create({ owner: 'alice' })).token);
    bob = bearer((await keys.create({ owner: 'bob' })).token);
    clip = await makeFixture('tiny-240p', { durationS: 2 });
  });
  afterAll(async () => {
    await stack?.stop();
    await cleanupFixtures();
  });

  it("when alice's stream is open and both owners' jobs run, then it carries alice's job to completed with live progress and nothing of bob's", async () => {
    const stream = await openStream(alice);
    try {
      const bobsFile = await upload(bob);
      expect((await submitTranscode(stack.baseUrl, { fileId: bobsFile }, bob)).status).toBe(202);
      const alicesFile = await upload(alice);
      expect((await submitTranscode(stack.baseUrl, { fileId: alicesFile }, alice)).status).toBe(202);
      const events = await collect(stream, (m) => m.event === 'job' && (JSON.parse(m.data) as JobEvent).status === 'completed');
      const jobs = events.filter((m) => m.event === 'job').map((m) => JSON.parse(m.data) as JobEvent);
      const progress = events.filter((m) => m.event === 'progress').map((m) => JSON.parse(m.data) as { fileId: string; percent: number });
      expect(new Set([...jobs, ...progress].map((e) => e.fileId))).toEqual(new Set([alicesFile]));
      expect(jobs.map((j) => j.status)).toEqual(expect.arrayContaining(['queued', 'processing', 'completed']));
      expect(progress.length).toBeGreaterThan(0);
      expect(jobs.at(-1)).toMatchObject({ status: 'completed', progress: 100 });
    } finally {
      stream.close();
    }
  }, 90_000);

  it('when an administrator opens the stream, then it sees every owner\'s jobs', async () => {
    const stream = await openStream(auth);
    try {
      const bobsFile = await upload(bob);
      expect((await submitTranscode(stack.baseUrl, { fileId: bobsFile }, bob)).status).toBe(202);
      const events = await collect(stream, (m) => m.event === 'job' && (JSON.parse(m.data) as JobEvent).fileId === bobsFile);
      expect(events.at(-1)?.event).toBe('job');
    } finally {
      stream.close();
    }
  }, 60_000);

  it('when a stream token is used twice, altered, missing or made up, then the stream answers 401 problem+json', async () => {
    const { token } = await streamToken(alice);
    const first = await openSse(streamUrl(token));
    expect(first.response.status).toBe(200);
    first.close();
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const answers = [streamUrl(token), streamUrl(altered), `${stack.baseUrl}/api/events`, streamUrl('made-up'), streamUrl((await streamToken(alice)).token.toUpperCase())];
    for (const url of answers) {
      const res = await fetch(url);
      expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({ status: 401, type: expect.stringMatching(/^application\/problem\+json/) });
      expect(await res.json()).toMatchObject({ code: 'unauthorized', detail: expect.stringContaining('stream token') });
    }
  });

  it('when a key or API token is put in the URL instead of a stream token, then it is refused: only stream tokens open the stream', async () => {
    const res = await fetch(streamUrl(alice.authorization!.replace('Bearer ', '')));
    expect(res.status).toBe(401);
    await res.body?.cancel();
  });

  it("when alice's owner stream is open, then it holds her one stream slot: a second stream of hers is refused, bob's is not", async () => {
    const owner = await openStream(alice);
    let bobs: SseStream | undefined;
    try {
      const alicesFile = await upload(alice);
      const perJob = await fetch(`${stack.baseUrl}/api/media/transcode/${alicesFile}/events`, { headers: alice });
      expect(perJob.status).toBe(429);
      expect(await perJob.json()).toMatchObject({ code: 'too_many_streams' });
      const second = await fetch(streamUrl((await streamToken(alice)).token));
      expect(second.status).toBe(429);
      await second.body?.cancel();
      bobs = await openStream(bob);
    } finally {
      owner.close();
      bobs?.close();
    }
    // Closing the stream gives the slot back.
    const reopened = await waitFor('the slot to be free again', async () => {
      const res = await fetch(streamUrl((await streamToken(alice)).token));
      if (res.status === 200) return res;
      await res.body?.cancel();
      return undefined;
    });
    await reopened.body?.cancel();
  });

  it('when the stream is opened, then the access log shows the URL with the token redacted', async () => {
    const { token } = await streamToken(alice);
    const stream = await openSse(streamUrl(token));
    stream.close();
    const line = await waitFor('the access log line of the stream', async () => logLines.find((l) => l.includes('/api/events?token=')));
    expect(line).toContain('/api/events?token=[redacted]');
    expect(logLines.filter((l) => l.includes(token))).toEqual([]);
  });
});

describe('stream tokens in Redis (StreamTokenStore)', () => {
  let redis: Redis;
  const prefix = `rf-stream-token-test-${process.pid}`;

  beforeAll(() => {
    redis = createRedisConnection(process.env.REELFORGE_TEST_REDIS_URL!, 'worker');
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('when a token is issued, then it names its expiry, is stored only as a hash and redeems once to the caller it was issued to', async () => {
    const store = new StreamTokenStore({ redis, keyPrefix: prefix, now: () => Date.parse('2026-12-06T12:00:00Z') });
    const issued = await store.issue({ owner: 'alice', admin: false });
    expect(issued.expiresAt).toBe('2026-12-06T12:01:00.000Z');
    const keys = await redis.keys(`${prefix}:stream-token:*`);
    expect(keys.some((key) => key.includes(issued.token))).toBe(false);
    expect(await redis.pttl(keys[0]!)).toBeGreaterThan(0);
    expect(await store.redeem(issued.token)).toEqual({ owner: 'alice', admin: false });
    expect(await store.redeem(issued.token)).toBeNull();
    const admin = await store.issue({ owner: '@admin', admin: true });
    expect(await store.redeem(admin.token)).toEqual({ owner: '@admin', admin: true });
  });

  it('when a token is not used before it expires, then it is refused', async () => {
    const store = new StreamTokenStore({ redis, keyPrefix: `${prefix}-expiry`, ttlMs: 1 });
    const { token } = await store.issue({ owner: 'alice', admin: false });
    await waitFor('Redis to expire the token', async () => ((await redis.keys(`${prefix}-expiry:stream-token:*`)).length === 0 ? true : undefined));
    expect(await store.redeem(token)).toBeNull();
  });
});
