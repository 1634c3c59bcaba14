import { afterEach, describe, expect, it } from '@jest/globals';
import type { JobView } from '@reelforge/db';
import { pino } from 'pino';
import { JobEventStream } from '../src/events/job-event.stream.js';
import { NotFoundError } from '../src/http/app.errors.js';
import type { JobQueueEvent } from '../src/events/transcode-events.hub.js';

const baseState: JobView = {
  fileId: 'file1',
  jobId: 'job1',
  status: 'queued',
  progress: 0,
  stage: 'queued',
  attempts: 0,
  playable: false,
  playableAt: null,
  renditions: [],
  hlsUrl: null,
  posterUrl: null,
  error: null,
  createdAt: new Date(0).toISOString(),
  queuedAt: new Date(0).toISOString(),
  startedAt: null,
  finishedAt: null,
  updatedAt: new Date(0).toISOString(),
};

const opened: JobEventStream[] = [];
afterEach(() => {
  for (const stream of opened.splice(0)) stream.close();
});

/** A stream whose Postgres state the test sets, recording what it writes. */
function harness(initial: Partial<JobView> = {}, timing = { heartbeatMs: 60_000, finalEventGraceMs: 60_000 }) {
  let state: JobView = { ...baseState, ...initial };
  let deleted = false;
  const chunks: string[] = [];
  let ended = false;
  let loads = 0;
  let failLoads = 0;
  const stream = new JobEventStream({
    sink: { write: (chunk) => chunks.push(chunk), end: () => (ended = true) },
    loadState: async () => {
      loads += 1;
      // What JobStatusReader answers once the file is deleted.
      if (deleted) throw new NotFoundError('file_not_found', 'No uploaded file with id f1.');
      if (failLoads > 0) {
        failLoads -= 1;
        throw new Error('Postgres is away');
      }
      return state;
    },
    ...timing,
    log: pino({ level: 'silent' }),
    onClose: () => undefined,
  });
  opened.push(stream);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const heartbeats = () => chunks.filter((c) => c.startsWith(':')).length;
  return {
    stream,
    setState: (patch: Partial<JobView>) => {
      state = { ...state, ...patch };
    },
    deleteFile: () => {
      deleted = true;
    },
    begin: (position: string) => stream.begin(state, position),
    /** Hands the event over and lets the stream finish handling it. */
    push: async (event: JobQueueEvent) => {
      stream.push(event);
      await settle();
    },
    events: () =>
      chunks
        .filter((c) => !c.startsWith(':'))
        .map((c) => {
        const [, id, event, data] = /^id: (.*)\nevent: (.*)\ndata: (.*)\n\n$/.exec(c)!;
        const body = JSON.parse(data!) as { progress?: number; percent?: number; status?: string };
        return `${id} ${event} ${body.status ?? ''}${body.progress ?? body.percent}`;
      }),
    ended: () => ended,
    /** Times the stream read the job's state from Postgres. */
    loads: () => loads,
    /** The next `n` reads fail. */
    failNextLoads: (n: number) => {
      failLoads = n;
    },
    /** Resolves once `n` more heartbeats have come and the stream has handled what they found. */
    heartbeats: async (n = 1) => {
      const target = heartbeats() + n;
      await until(() => heartbeats() >= target);
      await settle();
    },
    /** Resolves once the stream has ended. */
    end: () => until(() => ended),
  };
}

/** Generous: the waits are for events (a 20 ms heartbeat, a 50 ms grace), never a measure of their speed. */
const LIMIT_MS = 30_000;

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + LIMIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${LIMIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const progress = (id: string, percent: number, stage: 'probing' | 'encoding' = 'encoding'): JobQueueEvent => ({
  kind: 'progress',
  id,
  progress: { stage, percent, etaSeconds: null, speed: null },
});

const playableProgress = (id: string, percent: number): JobQueueEvent => ({
  kind: 'progress',
  id,
  progress: { stage: 'encoding', percent, etaSeconds: null, speed: null, playable: true },
});
const PLAYABLE = { playable: true, playableAt: '2026-01-01T00:00:01.000Z', hlsUrl: 'https://cdn.example.com/hls/file1/job1/1/master.m3u8' };

describe('JobEventStream', () => {
  it('when the worker flags its progress as playable, then one playable event (with hlsUrl) comes before that progress, once per attempt', async () => {
    const h = harness({ status: 'processing', attempts: 1, progress: 5 });
    h.begin('1-0');
    await h.push(progress('2-0', 10));
    h.setState(PLAYABLE);
    await h.push(playableProgress('3-0', 12));
    await h.push(playableProgress('4-0', 20));
    // A retry starts over: its own playable event follows once it is playable again.
    h.setState({ status: 'processing', attempts: 2, progress: 0, playable: false, playableAt: null, hlsUrl: null });
    await h.push(progress('5-0', 0, 'probing'));
    h.setState({ ...PLAYABLE, playableAt: '2026-01-01T00:00:09.000Z' });
    await h.push(playableProgress('6-0', 8));
    expect(h.events()).toEqual([
      '1-0 state processing5',
      '2-0 progress 10',
      '3-0 playable processing10',
      '3-0 progress 12',
      '4-0 progress 20',
      '5-0 state processing0',
      '5-0 progress 0',
      '6-0 playable processing0',
      '6-0 progress 8',
    ]);
  });

  it('when the stream opens on a job that is playable already, then playable follows the first state at once', async () => {
    const h = harness({ status: 'processing', attempts: 1, progress: 30, ...PLAYABLE });
    h.begin('1-0');
    await h.push(playableProgress('2-0', 35));
    expect(h.events()).toEqual(['1-0 state processing30', '1-0 playable processing30', '2-0 progress 35']);
  });

  it('when a flagged progress event arrives before Postgres shows the job playable, then nothing is announced until it does', async () => {
    const h = harness({ status: 'processing', attempts: 1, progress: 30 });
    h.begin('1-0');
    await h.push(playableProgress('2-0', 35));
    h.setState(PLAYABLE);
    await h.push(playableProgress('3-0', 40));
    expect(h.events()).toEqual(['1-0 state processing30', '2-0 progress 35', '3-0 playable processing35', '3-0 progress 40']);
  });

  it('when queue events older than the first state arrive, then they are skipped', async () => {
    const h = harness({ status: 'processing', attempts: 1, progress: 40 });
    await h.push(progress('5-0', 30));
    h.begin('9-0');
    await h.push(progress('8-0', 35));
    await h.push(progress('10-0', 45));
    expect(h.events()).toEqual(['9-0 state processing40', '10-0 progress 45']);
  });

  it('when an attempt fails and is retried, then a state event announces the restart and percent starts over', async () => {
    const h = harness({ status: 'processing', attempts: 1, progress: 10 });
    h.begin('1-0');
    await h.push(progress('2-0', 60));
    h.setState({ status: 'queued', progress: 0, stage: 'queued' });
    await h.push({ kind: 'lifecycle', id: '3-0', name: 'delayed' });
    h.setState({ status: 'processing', attempts: 2, progress: 0, stage: 'probing' });
    await h.push(progress('4-0', 0, 'probing'));
    await h.push(progress('5-0', 20));
    expect(h.events()).toEqual([
      '1-0 state processing10',
      '2-0 progress 60',
      '3-0 state queued0',
      '4-0 state processing0',
      '4-0 progress 0',
      '5-0 progress 20',
    ]);
  });

  it('when a stalled job is re-run by another worker, then the lower percent is checked against Postgres first', async () => {
    const h = harness({ status: 'processing', attempts: 1, progress: 50 });
    h.begin('1-0');
    // A late sample of the same attempt: Postgres says nothing changed, so it is dropped.
    await h.push(progress('2-0', 45));
    h.setState({ attempts: 2, progress: 0 });
    await h.push(progress('3-0', 1));
    expect(h.events()).toEqual(['1-0 state processing50', '3-0 state processing0', '3-0 progress 1']);
  });

  it('when Postgres is ahead of the queued progress events, then none of them is skipped', async () => {
    const h = harness();
    h.begin('1-0');
    h.setState({ status: 'processing', attempts: 1, progress: 30, stage: 'encoding' });
    await h.push({ kind: 'lifecycle', id: '2-0', name: 'active' });
    await h.push(progress('3-0', 0, 'probing'));
    await h.push(progress('4-0', 2));
    expect(h.events()).toEqual(['1-0 state queued0', '2-0 state processing0', '3-0 progress 0', '4-0 progress 2']);
  });

  it('when the job completes, then the final event carries the status body and the stream ends', async () => {
    const h = harness({ status: 'processing', attempts: 1, progress: 90 });
    h.begin('1-0');
    h.setState({ status: 'completed', progress: 100, stage: 'done' });
    await h.push({ kind: 'lifecycle', id: '2-0', name: 'completed' });
    await h.push(progress('3-0', 100));
    expect(h.events()).toEqual(['1-0 state processing90', '2-0 completed completed100']);
    expect(h.ended()).toBe(true);
  });

  it('when heartbeats pass, then they write only a comment and never read Postgres', async () => {
    const h = harness({ status: 'processing', attempts: 1, progress: 40 }, { heartbeatMs: 20, finalEventGraceMs: 60_000 });
    h.begin('1-0');
    await h.heartbeats(5);
    expect(h.loads()).toBe(0);
    expect(h.events()).toEqual(['1-0 state processing40']);
  });

  it('when a cancel notice finds the job over before its last queue events arrived, then they are still relayed, then the final event', async () => {
    const h = harness({ status: 'processing', attempts: 1, progress: 90 });
    h.begin('1-0');
    h.setState({ status: 'cancelled', stage: 'encoding' });
    // The notice has looked at Postgres and seen the job over; it must not end the stream before the queue's own events.
    await h.push({ kind: 'notice', reason: 'cancel' });
    expect(h.loads()).toBe(1);
    expect(h.ended()).toBe(false);
    await h.push({ kind: 'lifecycle', id: '3-0', name: 'failed' });
    expect(h.events()).toEqual(['1-0 state processing90', '3-0 cancelled cancelled90']);
    expect(h.ended()).toBe(true);
  });

  it('when a notice finds the job over and no queue event ever follows (Redis lost it), then the final event comes after the grace', async () => {
    const h = harness({ status: 'queued' }, { heartbeatMs: 60_000, finalEventGraceMs: 50 });
    h.begin('4-0');
    h.setState({ status: 'cancelled', stage: 'queued' });
    await h.push({ kind: 'notice', reason: 'resync' });
    await h.end();
    expect(h.events()).toEqual(['4-0 state queued0', '4-0 cancelled cancelled0']);
  });

  it('when reading Postgres fails after an event, then the stream looks again a heartbeat later and still ends', async () => {
    const h = harness({ status: 'processing', attempts: 1, progress: 90 }, { heartbeatMs: 20, finalEventGraceMs: 50 });
    h.begin('1-0');
    h.setState({ status: 'completed', progress: 100, stage: 'done' });
    h.failNextLoads(1);
    await h.push({ kind: 'lifecycle', id: '2-0', name: 'completed' });
    expect(h.ended()).toBe(false);
    // The second look sees the job over without a new queue event; the final queue event came already, so the grace follows.
    await h.end();
    expect(h.loads()).toBe(2);
    expect(h.events()).toEqual(['1-0 state processing90', '2-0 completed completed100']);
  });

  it('when the job is already over at the start, then only the final event is sent', async () => {
    const h = harness({ status: 'failed', attempts: 3, progress: 12 });
    h.begin('7-0');
    expect(h.events()).toEqual(['7-0 failed failed12']);
    expect(h.ended()).toBe(true);
  });

  it('when the file is deleted while its job waits, then the removal of the queue job ends the stream', async () => {
    const h = harness({ status: 'queued', attempts: 1, progress: 0 });
    h.begin('4-0');
    h.deleteFile();
    await h.push({ kind: 'lifecycle', id: '5-0', name: 'removed' });
    expect(h.ended()).toBe(true);
    expect(h.events()).toEqual(['4-0 state queued0']);
  });

  it('when the file is deleted and the cancel comes as a queue event, then the stream ends without a final event', async () => {
    const h = harness({ status: 'processing', attempts: 1, progress: 40 });
    h.begin('4-0');
    h.deleteFile();
    await h.push({ kind: 'lifecycle', id: '5-0', name: 'failed' });
    expect(h.ended()).toBe(true);
    expect(h.events()).toEqual(['4-0 state processing40']);
  });
});
