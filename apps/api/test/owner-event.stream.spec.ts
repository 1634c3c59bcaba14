import { describe, expect, it } from '@jest/globals';
import type { JobView } from '@reelforge/db';
import { pino } from 'pino';
import { OwnerEventStream } from '../src/events/owner-event.stream.js';
import { redactQueryCredentials, redactUrlCredentials } from '../src/http/url-credential.redactor.js';

const view = (jobId: string, over: Partial<JobView> = {}): JobView =>
  ({ jobId, fileId: `file-${jobId}`, status: 'processing', progress: 0, playable: false, ...over }) as JobView;
const progress = (id: string, percent: number, playable?: true) => ({
  kind: 'progress' as const,
  id,
  progress: { stage: 'encoding' as const, percent, etaSeconds: 1, speed: 2, ...(playable ? { playable } : {}) },
});

/** A stream over a fake sink; `jobs` says what Postgres holds (null: not the caller's). */
function harness(jobs: Record<string, JobView | null | Error>) {
  const written: { event: string; data: unknown }[] = [];
  const lookups: string[] = [];
  const stream = new OwnerEventStream({
    sink: {
      write: (chunk) => {
        const event = /^event: (.*)$/m.exec(chunk)?.[1];
        const data = /^data: (.*)$/m.exec(chunk)?.[1];
        if (event) written.push({ event, data: JSON.parse(data ?? 'null') as unknown });
      },
      end: () => undefined,
    },
    loadJob: async (jobId) => {
      lookups.push(jobId);
      const found = jobs[jobId];
      if (found instanceof Error) throw found;
      return found ?? null;
    },
    heartbeatMs: 60_000,
    log: pino({ level: 'silent' }),
    onClose: () => undefined,
  });
  stream.begin('1-0');
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { stream, written, lookups, settle };
}

describe('OwnerEventStream', () => {
  it("when another owner's job reports progress again and again, then Postgres is asked once and nothing is sent", async () => {
    const { stream, written, lookups, settle } = harness({ theirs: null });
    for (let i = 1; i <= 5; i++) stream.push('theirs', progress(`2-${i}`, i * 10));
    stream.push('theirs', { kind: 'lifecycle', id: '3-0', name: 'completed' });
    await settle();
    stream.close();
    expect(lookups).toEqual(['theirs']);
    expect(written.map((w) => w.event)).toEqual(['ready']);
  });

  it("when the caller's job runs, then its first progress brings the row, later ones come straight from the queue, and playable brings it again", async () => {
    const jobs: Record<string, JobView> = { mine: view('mine') };
    const { stream, written, lookups, settle } = harness(jobs);
    stream.push('mine', progress('2-1', 10));
    stream.push('mine', progress('2-2', 20));
    await settle();
    jobs.mine = view('mine', { playable: true, hlsUrl: 'https://cdn.example.com/hls/file-mine/master.m3u8' });
    stream.push('mine', progress('2-3', 30, true));
    stream.push('mine', progress('2-4', 40, true));
    await settle();
    stream.close();
    expect(lookups).toEqual(['mine', 'mine']);
    expect(written).toEqual([
      { event: 'ready', data: {} },
      { event: 'job', data: view('mine') },
      { event: 'progress', data: { jobId: 'mine', fileId: 'file-mine', stage: 'encoding', percent: 10, etaSeconds: 1, speed: 2 } },
      { event: 'progress', data: { jobId: 'mine', fileId: 'file-mine', stage: 'encoding', percent: 20, etaSeconds: 1, speed: 2 } },
      { event: 'job', data: jobs.mine },
      { event: 'progress', data: { jobId: 'mine', fileId: 'file-mine', stage: 'encoding', percent: 30, etaSeconds: 1, speed: 2 } },
      { event: 'progress', data: { jobId: 'mine', fileId: 'file-mine', stage: 'encoding', percent: 40, etaSeconds: 1, speed: 2 } },
    ]);
  });

  it('when a lifecycle event or a cancel notice concerns the caller\'s job, then its row is read and sent', async () => {
    const { stream, written, settle } = harness({ mine: view('mine', { status: 'cancelled' }) });
    stream.push('mine', { kind: 'lifecycle', id: '2-0', name: 'removed' });
    stream.push('mine', { kind: 'notice', reason: 'cancel' });
    await settle();
    stream.close();
    expect(written.map((w) => w.event)).toEqual(['ready', 'job', 'job']);
  });

  it('when the reader reconnected to Redis or a lookup failed, then the client is told to reload its list', async () => {
    const { stream, written, settle } = harness({ broken: new Error('Connection terminated') });
    stream.push(null, { kind: 'notice', reason: 'resync' });
    stream.push('broken', progress('2-1', 10));
    await settle();
    stream.close();
    expect(written.map((w) => w.event)).toEqual(['ready', 'resync', 'resync']);
  });

  it('when the stream is closed, then later events are dropped', async () => {
    const { stream, written, lookups, settle } = harness({ mine: view('mine') });
    stream.close();
    stream.push('mine', progress('2-1', 10));
    await settle();
    expect({ lookups, events: written.map((w) => w.event) }).toEqual({ lookups: [], events: ['ready'] });
  });
});

describe('redactUrlCredentials', () => {
  it('when a URL carries a stream token, then only its value is replaced', () => {
    expect(redactUrlCredentials('/api/events?token=abc-DEF_123')).toBe('/api/events?token=[redacted]');
    expect(redactUrlCredentials('/api/events?x=1&token=abc&y=2#f')).toBe('/api/events?x=1&token=[redacted]&y=2#f');
    expect(redactUrlCredentials('/api/media/jobs?status=queued')).toBe('/api/media/jobs?status=queued');
    expect(redactUrlCredentials('/api/events?mytoken=abc')).toBe('/api/events?mytoken=abc');
    expect(redactQueryCredentials({ token: 'abc', status: 'queued' })).toEqual({ token: '[redacted]', status: 'queued' });
  });
});
