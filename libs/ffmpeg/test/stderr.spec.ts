import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { TailBuffer } from '../src/stderr-tail.buffer.js';
import { summarizeFfmpegStderr, summarizeProbeStderr } from '../src/stderr.summary.js';

describe('TailBuffer', () => {
  it('when less than the limit is pushed, then everything is kept', () => {
    const tail = new TailBuffer(100);
    tail.push('line one\n');
    tail.push(Buffer.from('line two\n'));
    expect(tail.toString()).toBe('line one\nline two\n');
    expect(tail.byteLength).toBe(18);
  });

  it('when more than the limit is pushed, then only the last lines are kept, starting on a line boundary', () => {
    const tail = new TailBuffer(20);
    for (let i = 0; i < 100; i += 1) tail.push(`line ${i}\n`);
    expect(tail.byteLength).toBeLessThanOrEqual(20);
    expect(tail.toString()).toBe('line 98\nline 99\n');
  });

  it('when one chunk is larger than the limit, then its end is kept', () => {
    const tail = new TailBuffer(8);
    tail.push('aaaa\nbbbbbbbbbb\ncc\n');
    expect(tail.byteLength).toBe(8);
    expect(tail.toString()).toBe('cc\n');
  });

  it('when the cut falls inside a multi-byte character, then no broken character is returned', () => {
    const tail = new TailBuffer(10);
    tail.push('ééééééééé\nok\n');
    expect(tail.toString()).toBe('ok\n');
  });

  it('when a million small writes arrive, then memory stays at the limit', () => {
    const tail = new TailBuffer(64 * 1024);
    for (let i = 0; i < 1_000_000; i += 1) tail.push('frame error\n');
    expect(tail.byteLength).toBe(64 * 1024);
    expect(tail.toString().endsWith('frame error\n')).toBe(true);
  });

  it('when chunks of any size arrive, then the held bytes are the last bytes of the stream', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 60 }), fc.integer({ min: 1, max: 120 }), (chunks, limit) => {
        const tail = new TailBuffer(limit);
        for (const chunk of chunks) tail.push(Buffer.from(chunk));
        const all = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk)));
        expect(tail.byteLength).toBe(Math.min(limit, all.length));
      }),
    );
  });

  it('when the limit is not a positive integer, then it throws', () => {
    expect(() => new TailBuffer(0)).toThrow(RangeError);
    expect(() => new TailBuffer(1.5)).toThrow(RangeError);
  });
});

describe('summarizeFfmpegStderr', () => {
  it('when stderr ends with the error, then the last meaningful lines are kept without addresses', () => {
    const stderr = [
      'ffmpeg version 5.1.9 Copyright (c) 2000-2026 the FFmpeg developers',
      '  built with gcc 12',
      '  libavutil      57. 28.100 / 57. 28.100',
      'frame=   10 fps=0.0 q=0.0 size=       0kB time=00:00:00.33 bitrate=   0.0kbits/s speed=0.6x',
      '',
      '[libx264 @ 0x56164cf303c0] width not divisible by 2 (853x479)',
      'Error initializing output stream 0:0 -- Error while opening encoder',
      'Conversion failed!',
      '',
    ].join('\n');
    expect(summarizeFfmpegStderr(stderr)).toBe('[libx264] width not divisible by 2 (853x479); Error initializing output stream 0:0 -- Error while opening encoder');
  });

  it('when there are many lines, then at most maxLines are used and long lines are clipped', () => {
    const stderr = `${'x'.repeat(1000)}\na\nb\nc\nd\n`;
    expect(summarizeFfmpegStderr(stderr, 2)).toBe('c; d');
    expect(summarizeFfmpegStderr('y'.repeat(1000)).length).toBe(300);
  });

  it('when av_log folded repeats into a counter line, then the counter is left out', () => {
    const stderr = 'Error while decoding stream #0:0: Invalid data found when processing input\n    Last message repeated 2 times\n';
    expect(summarizeFfmpegStderr(stderr)).toBe('Error while decoding stream #0:0: Invalid data found when processing input');
  });

  it('when stderr is empty, then the summary is empty', () => {
    expect(summarizeFfmpegStderr('\n\n')).toBe('');
  });
});

describe('summarizeProbeStderr', () => {
  it('when ffprobe rejects a file, then the reason drops the demuxer context and the echoed input', () => {
    const input = 'file:/tmp/x/clip.mp4';
    const stderr = `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55b9337191c0] moov atom not found\n${input}: Invalid data found when processing input\n`;
    expect(summarizeProbeStderr(stderr, input)).toBe('moov atom not found; Invalid data found when processing input');
  });

  it('when the same reason repeats, then it appears once', () => {
    expect(summarizeProbeStderr('f: No such file or directory\n[x @ 0x1] No such file or directory\n', 'f')).toBe('No such file or directory');
  });
});
