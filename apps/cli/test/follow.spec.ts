import { describe, expect, it } from '@jest/globals';
import type { JobView } from '@reelforge/db';
import { ApiError } from '../src/api.client.js';
import { followJob, type JobProgress } from '../src/follow.js';

const at = '2026-01-01T00:00:00.000Z';
const state = (status: JobView['status'], progress: number, stage: string | null): JobView => ({
  fileId: 'f1',
  jobId: 'j1',
  status,
  progress,
  stage,
  attempts: 1,
  playable: status === 'completed',
  playableAt: status === 'completed' ? at : null,
  renditions: [],
  hlsUrl: status === 'completed' ? 'http://cdn/hls/f1/master.m3u8' : null,
  posterUrl: null,
  error: null,
  createdAt: at, queuedAt: at, startedAt: null, finishedAt: null, updatedAt: at,
});

const sse = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

const event = (name: string, data: unknown, id = '1-0') => `id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

describe('followJob', () => {
  it('when the live stream is available, then progress comes from its events and the final event ends the follow', async () => {
    const seen: JobProgress[] = [];
    const client = {
      events: async () =>
        sse(
          event('state', state('queued', 0, 'queued')),
          ': heartbeat\n\n',
          event('progress', { stage: 'encoding', percent: 40, etaSeconds: 3, speed: 2 }),
          event('completed', state('completed', 100, 'done')),
        ),
      status: async () => {
        throw new Error('must not poll');
      },
    };
    const final = await followJob(client, 'f1', (p) => seen.push(p));
    expect(final).toMatchObject({ status: 'completed', hlsUrl: 'http://cdn/hls/f1/master.m3u8' });
    expect(seen).toEqual([
      { status: 'queued', stage: 'queued', percent: 0, etaSeconds: null },
      { status: 'processing', stage: 'encoding', percent: 40, etaSeconds: 3 },
      { status: 'completed', stage: 'done', percent: 100, etaSeconds: null },
    ]);
  });

  it('when the server has no events route, then it polls the status route and estimates the ETA itself', async () => {
    const answers = [state('queued', 0, 'queued'), state('processing', 25, 'encoding'), state('processing', 50, 'encoding'), state('failed', 50, 'encoding')];
    let clock = 0;
    const seen: JobProgress[] = [];
    const client = {
      events: async () => {
        throw new ApiError(404, 'route_not_found', 'No route');
      },
      status: async () => {
        clock += 1_000;
        return answers.shift()!;
      },
    };
    const final = await followJob(client, 'f1', (p) => seen.push(p), { pollIntervalMs: 1, now: () => clock });
    expect(final.status).toBe('failed');
    // Processing seen first at t=2 s with 25 %, then 50 % at t=3 s: 25 points a second leaves 2 s.
    expect(seen.map((p) => [p.status, p.percent, p.etaSeconds])).toEqual([
      ['queued', 0, null],
      ['processing', 25, null],
      ['processing', 50, 2],
      ['failed', 50, null],
    ]);
  });

  it('when the stream breaks off before the end, then polling takes over', async () => {
    let polls = 0;
    const client = {
      events: async () => sse(event('state', state('processing', 10, 'encoding'))),
      status: async () => {
        polls += 1;
        return state('completed', 100, 'done');
      },
    };
    expect((await followJob(client, 'f1', () => undefined, { pollIntervalMs: 1 })).status).toBe('completed');
    expect(polls).toBe(1);
  });

  it('when the token is refused, then the follow fails at once instead of polling', async () => {
    const client = {
      events: async () => {
        throw new ApiError(401, 'unauthorized', 'Missing or invalid bearer token');
      },
      status: async () => state('completed', 100, 'done'),
    };
    await expect(followJob(client, 'f1', () => undefined)).rejects.toMatchObject({ status: 401 });
  });
});
