import { describe, expect, it } from '@jest/globals';
import { formatJobs } from '../src/commands/jobs.command.js';
import { formatStatus } from '../src/commands/status.command.js';
import { ProgressPrinter, renderProgressLine } from '../src/progress.bar.js';
import { SseParser } from '../src/sse.parser.js';

describe('SseParser', () => {
  it('when events arrive split anywhere, then whole events come out with the last id, and comments are dropped', () => {
    const parser = new SseParser();
    expect(parser.feed('retry: 2000\nid: 1-0\nevent: st')).toEqual([]);
    expect(parser.feed('ate\ndata: {"a":\ndata: 1}\n\n: heartbeat\n\ndata: x\r\n\r\n')).toEqual([
      { id: '1-0', event: 'state', data: '{"a":\n1}' },
      { id: '1-0', event: 'message', data: 'x' },
    ]);
  });
});

describe('human output', () => {
  it('when a progress line is drawn on a terminal, then it returns to the line start and clears what was left', () => {
    const writes: string[] = [];
    const printer = new ProgressPrinter({ isTTY: true, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream);
    printer.update({ stage: 'encoding', percent: 35.24, etaSeconds: 12 });
    printer.done();
    expect(writes).toEqual([`\r${renderProgressLine({ stage: 'encoding', percent: 35.24, etaSeconds: 12 })}\x1b[K`, '\n']);
    expect(renderProgressLine({ stage: 'encoding', percent: 35.24, etaSeconds: 12 })).toBe('encoding   [###########...................]  35.2%  ETA 0:12');
  });

  it('when jobs are listed, then they form aligned columns with the next-page command', () => {
    const item = { fileId: 'f1', status: 'completed' as const, progress: 100, stage: 'done', attempts: 1, hlsUrl: null, error: null, createdAt: '2026-01-01T00:00:00.000Z' };
    expect(formatJobs({ items: [{ ...item, jobId: 'job-long-id' }, { ...item, jobId: 'j2', status: 'queued', progress: 0 }], nextCursor: 'abc' })).toBe(
      [
        'JOB          FILE  STATUS     PROGRESS  CREATED',
        'job-long-id  f1    completed  100.0%    2026-01-01T00:00:00.000Z',
        'j2           f1    queued     0.0%      2026-01-01T00:00:00.000Z',
        '',
        'more: reelforge jobs --cursor abc',
        '',
      ].join('\n'),
    );
    expect(formatJobs({ items: [], nextCursor: null })).toBe('no jobs\n');
  });

  it('when a failed job is shown, then its error is on its own line', () => {
    const text = formatStatus({
      fileId: 'f1',
      jobId: 'j1',
      status: 'failed',
      progress: 2,
      stage: 'encoding',
      attempts: 1,
      renditions: [],
      hlsUrl: null,
      error: { code: 'invalid_media', message: 'no video' },
    });
    expect(text).toBe('file      f1\njob       j1\nstatus    failed 2.0% (encoding)\nattempts  1\nerror     invalid_media: no video\n');
  });
});
