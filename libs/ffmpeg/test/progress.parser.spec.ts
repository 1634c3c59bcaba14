import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
// eslint-disable-next-line @nx/enforce-module-boundaries -- FC_NUM_RUNS is read once for the suite, in the Jest setup file
import { numRuns } from '../../../tools/testing/fast-check.setup.js';
import { ProgressParser, parseProgressBlock, parseProgressLine, type FfmpegProgress } from '../src/index.js';

// Captured from ffmpeg 5.1 (`-progress pipe:1 -nostats`, libx264 to mp4): a first, middle and last block.
const FIRST = `frame=1
fps=0.00
stream_0_0_q=0.0
bitrate=N/A
total_size=N/A
out_time_us=N/A
out_time_ms=N/A
out_time=N/A
dup_frames=0
drop_frames=0
speed=N/A
progress=continue
`;
const MIDDLE = `frame=45
fps=29.87
stream_0_0_q=28.0
stream_0_1_q=-1.0
bitrate=1737.1kbits/s
total_size=326592
out_time_us=1504000
out_time_ms=1504000
out_time=00:00:01.504000
dup_frames=1
drop_frames=2
speed=  2.31x
progress=continue
`;
const LAST = `frame=60
fps=30.01
stream_0_0_q=-1.0
bitrate=1737.1kbits/s
total_size=435425
out_time_us=2005333
out_time_ms=2005333
out_time=00:00:02.005333
dup_frames=1
drop_frames=2
speed=17.4x
progress=end
`;
const STREAM = FIRST + MIDDLE + LAST;

const withoutRaw = ({ raw: _raw, ...rest }: FfmpegProgress): Omit<FfmpegProgress, 'raw'> => rest;

describe('parseProgressLine', () => {
  it('when the line is key=value, then it splits at the first "="', () => {
    expect(parseProgressLine('frame=12')).toEqual(['frame', '12']);
    expect(parseProgressLine('  speed=  2.31x \r')).toEqual(['speed', '2.31x']);
    expect(parseProgressLine('weird=a=b')).toEqual(['weird', 'a=b']);
    expect(parseProgressLine('empty=')).toEqual(['empty', '']);
  });

  it('when the line has no key, then it is ignored', () => {
    expect(parseProgressLine('')).toBeNull();
    expect(parseProgressLine('no equals sign')).toBeNull();
    expect(parseProgressLine('=value')).toBeNull();
  });
});

describe('parseProgressBlock', () => {
  it('when every value is known, then every field is parsed', () => {
    expect(withoutRaw(parseProgressBlock(MIDDLE))).toEqual({
      frame: 45,
      fps: 29.87,
      outTimeMs: 1504,
      speed: 2.31,
      totalSizeBytes: 326592,
      bitrateKbps: 1737.1,
      dupFrames: 1,
      dropFrames: 2,
      done: false,
    });
  });

  it('when ffmpeg prints N/A, then the fields are null', () => {
    expect(withoutRaw(parseProgressBlock(FIRST))).toEqual({
      frame: 1,
      fps: 0,
      outTimeMs: null,
      speed: null,
      totalSizeBytes: null,
      bitrateKbps: null,
      dupFrames: 0,
      dropFrames: 0,
      done: false,
    });
  });

  it('when progress=end, then done is true', () => {
    const last = parseProgressBlock(LAST);
    expect(last.done).toBe(true);
    expect(last.outTimeMs).toBe(2005);
    expect(last.speed).toBe(17.4);
  });

  it('when the block has per-stream keys, then raw keeps them (values trimmed)', () => {
    const raw = parseProgressBlock(MIDDLE).raw;
    expect(raw.stream_0_1_q).toBe('-1.0');
    expect(raw.speed).toBe('2.31x');
    expect(raw.progress).toBe('continue');
  });

  it('when lines end with CRLF, then they parse the same', () => {
    expect(parseProgressBlock(MIDDLE.replace(/\n/g, '\r\n'))).toEqual(parseProgressBlock(MIDDLE));
  });

  it('when out_time_us is missing, then out_time_ms (microseconds despite its name) is used', () => {
    expect(parseProgressBlock('out_time_ms=2500000\nout_time=00:00:09.000000\nprogress=continue').outTimeMs).toBe(2500);
  });

  it('when only out_time is printed, then the clock is parsed', () => {
    expect(parseProgressBlock('out_time=01:02:03.456789\nprogress=continue').outTimeMs).toBe(3_723_456);
    expect(parseProgressBlock('out_time=00:00:05\nprogress=continue').outTimeMs).toBe(5000);
  });

  it('when old ffmpeg prints a negative time before the first packet, then the time is null', () => {
    const block = 'out_time_us=-9223372036854775807\nout_time_ms=-9223372036854775807\nout_time=-2562047788:00:54.775807\nprogress=continue';
    expect(parseProgressBlock(block).outTimeMs).toBeNull();
  });

  it('when speed uses an exponent, then it is still a number', () => {
    expect(parseProgressBlock('speed=3.33e+04x').speed).toBe(33300);
    expect(parseProgressBlock('speed=0x').speed).toBe(0);
  });

  it('when values are garbage, then the fields are null rather than NaN', () => {
    const parsed = parseProgressBlock('frame=abc\nfps=\ntotal_size=-1\nbitrate=fastkbits/s\nspeed=x\nout_time=soon');
    expect(withoutRaw(parsed)).toEqual({
      frame: null,
      fps: null,
      outTimeMs: null,
      speed: null,
      totalSizeBytes: null,
      bitrateKbps: null,
      dupFrames: null,
      dropFrames: null,
      done: false,
    });
  });

  it('when a key repeats, then the last value wins', () => {
    expect(parseProgressBlock('frame=1\nframe=2').frame).toBe(2);
  });

  it('when a key is __proto__, then it stays data', () => {
    const parsed = parseProgressBlock('__proto__=x\nframe=3');
    expect(parsed.frame).toBe(3);
    expect(Object.getPrototypeOf(parsed.raw)).toBe(Object.prototype);
  });
});

describe('ProgressParser', () => {
  it('when the whole stream arrives at once, then each block becomes one report', () => {
    const reports = new ProgressParser().push(STREAM);
    expect(reports.map((r) => [r.frame, r.outTimeMs, r.done])).toEqual([
      [1, null, false],
      [45, 1504, false],
      [60, 2005, true],
    ]);
  });

  it('when a chunk ends mid-line, then the line waits for the next chunk', () => {
    const parser = new ProgressParser();
    expect(parser.push('frame=4')).toEqual([]);
    expect(parser.push('5\nout_time_us=15')).toEqual([]);
    const [report] = parser.push('04000\nprogress=continue\n');
    expect(report?.frame).toBe(45);
    expect(report?.outTimeMs).toBe(1504);
  });

  it('when a CRLF is split between chunks, then the value has no stray CR', () => {
    const parser = new ProgressParser();
    parser.push('frame=7\r');
    const [report] = parser.push('\nprogress=end\r\n');
    expect(report?.frame).toBe(7);
    expect(report?.done).toBe(true);
  });

  it('when the stream ends without a final newline, then end() flushes the last block', () => {
    const parser = new ProgressParser();
    expect(parser.push('frame=9\nprogress=end')).toEqual([]);
    expect(parser.end().map((r) => r.done)).toEqual([true]);
    expect(parser.end()).toEqual([]);
  });

  it('when blocks follow each other, then fields do not leak into the next report', () => {
    const [first, second] = new ProgressParser().push('frame=1\ntotal_size=10\nprogress=continue\nframe=2\nprogress=continue\n');
    expect(first?.totalSizeBytes).toBe(10);
    expect(second?.totalSizeBytes).toBeNull();
    expect(second?.raw.total_size).toBeUndefined();
  });

  it('when something other than progress is written, then it is dropped without growing memory', () => {
    const parser = new ProgressParser();
    expect(parser.push('x'.repeat(100_000))).toEqual([]);
    expect(parser.push('\nframe=1\nprogress=continue\n').map((r) => r.frame)).toEqual([1]);
    const manyKeys = Array.from({ length: 1000 }, (_, i) => `k${i}=v`).join('\n');
    const [report] = parser.push(`${manyKeys}\nframe=2\nprogress=end\n`);
    expect(Object.keys(report?.raw ?? {}).length).toBeLessThan(300);
    expect(report?.frame).toBe(2);
  });

  it('when the stream is split at arbitrary points, then the reports are the same as unsplit', () => {
    const expected = new ProgressParser().push(STREAM);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: STREAM.length - 1 }), { maxLength: 40 }), (cuts) => {
        const points = [0, ...[...cuts].sort((a, b) => a - b), STREAM.length];
        const parser = new ProgressParser();
        const reports: FfmpegProgress[] = [];
        for (let i = 1; i < points.length; i += 1) reports.push(...parser.push(STREAM.slice(points[i - 1], points[i])));
        reports.push(...parser.end());
        expect(reports).toEqual(expected);
      }),
      { numRuns: numRuns(300) },
    );
  });

  it('when the stream arrives one character at a time, then the reports are the same', () => {
    const parser = new ProgressParser();
    const reports = [...STREAM].flatMap((char) => parser.push(char));
    expect(reports).toEqual(new ProgressParser().push(STREAM));
  });
});
