import { describe, expect, it } from '@jest/globals';
import { ALLOWED_INPUT_FORMATS } from '../src/input-formats.constants.js';
import {
  buildChunkedAudioArgs,
  buildChunkVideoArgs,
  firstFrameAtOrAfter,
  LadderOptionsSchema,
  type LadderOptionsInput,
  parseProbe,
  planLadder,
  plannedChunkFrames,
  planStoryboard,
  storyboardThumbnailRange,
  type TranscodePlan,
  trimToWindow,
  type VideoTranscodePlan,
} from '../src/index.js';
import { chunkRange, EXPECTED_HEAD, expectedX264 } from './expected-args.js';
import { m4aAudioOnly, noAudio } from './fixtures/ffprobe-audio.fixtures.js';
import { hdrPq720p } from './fixtures/ffprobe-color.fixtures.js';
import { ntsc720p5994 } from './fixtures/ffprobe-motion.fixtures.js';
import { landscape1080p30 } from './fixtures/ffprobe-size.fixtures.js';

const ALLOWED = ALLOWED_INPUT_FORMATS.join(',');
const INPUT = ['-protocol_whitelist', 'file', '-format_whitelist', ALLOWED, '-i', 'file:/tmp/job/input.mp4'];
const IO = { input: '/tmp/job/input.mp4', outputDir: '/tmp/job/chunk', attempt: 2, storyboardThumbnails: '/tmp/job/storyboard/thumb_%04d.png' };

function plan(raw: unknown, options: LadderOptionsInput = {}): TranscodePlan {
  return planLadder(parseProbe(raw), LadderOptionsSchema.parse(options), { zscale: true });
}

/** The fixture's plan as if the input were `durationS` long (the storyboard follows the duration). */
function videoPlan(raw: unknown, options: LadderOptionsInput, durationS: number): VideoTranscodePlan {
  const made = plan(raw, options);
  if (!made.hasVideo) throw new Error('expected a video plan');
  const longer = { ...made, durationS };
  return { ...longer, storyboard: planStoryboard(longer) };
}

const chunk = chunkRange;

const HEAD = [...EXPECTED_HEAD, '-copyts', '-start_at_zero'];
const x264 = expectedX264;

// prettier-ignore
function hlsTail(segmentSeconds: number, startNumber: number | null, varStreamMap: string, segmentName = 'seg_a2_%05d.ts'): string[] {
  return [
    '-output_ts_offset', '10',
    '-f', 'hls',
    '-hls_time', String(segmentSeconds),
    '-hls_playlist_type', 'event',
    '-hls_flags', 'independent_segments+temp_file',
    '-hls_segment_type', 'mpegts',
    ...(startNumber === null ? [] : ['-start_number', String(startNumber)]),
    '-hls_segment_filename', `/tmp/job/chunk/%v/${segmentName}`,
    '-var_stream_map', varStreamMap,
    '/tmp/job/chunk/%v/index.m3u8',
  ];
}

/** Opens the other stream the single pass uses (writing none of it), so ffmpeg puts the timeline's zero where the single pass does. */
const sameStreams = (index: number): string[] => ['-map', `0:${index}`, '-c', 'copy', '-t', '0', '-f', 'null', '-'];

const TWO_RUNGS = { rungs: [{ height: 720 }, { height: 360 }], segmentSeconds: 2 };

describe('buildChunkVideoArgs', () => {
  it('encodes every rung of a middle chunk from the keyframe before it, keyframes on its segment boundaries, thumbnails numbered in the whole sheet', () => {
    const sixtySeconds = videoPlan(landscape1080p30, TWO_RUNGS, 60);
    // prettier-ignore
    expect(buildChunkVideoArgs(sixtySeconds, chunk(1, 20, 20, 10, 10), IO)).toEqual([
      ...HEAD,
      '-noaccurate_seek', '-ss', '19',
      ...INPUT,
      '-filter_complex',
      '[0:0]split=3[s0][s1][s2];' +
        '[s0]fps=30,trim=start_pts=600:end_pts=1200,scale=1280:720:flags=bicubic,format=yuv420p,setsar=1[v0];' +
        '[s1]fps=30,trim=start_pts=600:end_pts=1200,scale=640:360:flags=bicubic,format=yuv420p,setsar=1[v1];' +
        '[s2]fps=1/1,trim=start_pts=20:end_pts=40,scale=160:90:flags=bicubic,setsar=1[storyboard]',
      ...x264(0, '3.1', [2800, 2996, 4494], 60),
      ...x264(1, '3.0', [690, 738, 1107], 60),
      '-force_key_frames:v', 'expr:gte(t,20+n_forced*2)',
      '-fps_mode:v', 'passthrough',
      ...hlsTail(2, 10, 'v:0,name:720p v:1,name:360p'),
      '-map', '[storyboard]', '-frames:v', '20', '-f', 'image2', '-start_number', '21', '/tmp/job/storyboard/thumb_%04d.png',
      ...sameStreams(1),
    ]);
  });

  it('starts the first chunk at 0, filling the grid from 0 like the single pass, and lets the last one run to the end of the input', () => {
    const sixtySeconds = videoPlan(landscape1080p30, { rungs: [{ height: 360 }], segmentSeconds: 4 }, 60);
    const { storyboardThumbnails: _, ...withoutStoryboard } = IO;
    // prettier-ignore
    expect(buildChunkVideoArgs(sixtySeconds, chunk(0, 0, 24, 0, 6), withoutStoryboard)).toEqual([
      ...HEAD,
      '-noaccurate_seek', '-ss', '0',
      ...INPUT,
      '-filter_complex', '[0:0]fps=30:start_time=0,trim=start_pts=0:end_pts=720,scale=640:360:flags=bicubic,format=yuv420p,setsar=1[v0]',
      ...x264(0, '3.0', [690, 738, 1107], 120),
      '-force_key_frames:v', 'expr:gte(t,n_forced*4)',
      '-fps_mode:v', 'passthrough',
      ...hlsTail(4, 0, 'v:0,name:360p'),
      ...sameStreams(1),
    ]);
    // prettier-ignore
    expect(buildChunkVideoArgs(sixtySeconds, chunk(2, 48, 12, 12, 3, true), { ...IO, attempt: undefined })).toEqual([
      ...HEAD,
      '-noaccurate_seek', '-ss', '47',
      ...INPUT,
      '-filter_complex',
      '[0:0]split=2[s0][s1];' +
        '[s0]fps=30,trim=start_pts=1440,scale=640:360:flags=bicubic,format=yuv420p,setsar=1[v0];' +
        '[s1]fps=1/1,trim=start_pts=48,scale=160:90:flags=bicubic,setsar=1[storyboard]',
      ...x264(0, '3.0', [690, 738, 1107], 120),
      '-force_key_frames:v', 'expr:gte(t,48+n_forced*4)',
      '-fps_mode:v', 'passthrough',
      ...hlsTail(4, 12, 'v:0,name:360p', 'seg_%05d.ts'),
      '-map', '[storyboard]', '-f', 'image2', '-start_number', '49', '/tmp/job/storyboard/thumb_%04d.png',
      ...sameStreams(1),
    ]);
  });

  it('keeps a 59.94/29.97 fps ladder on the whole input frame grid (4.004 s is the first frame from 4 s) and tone-maps HDR once', () => {
    const ntsc = videoPlan(ntsc720p5994, { rungs: [{ height: 720 }, { height: 360 }], segmentSeconds: 2 }, 30);
    // prettier-ignore
    expect(buildChunkVideoArgs(ntsc, chunk(1, 4, 4, 2, 2), IO).slice(HEAD.length, HEAD.length + 11)).toEqual([
      '-noaccurate_seek', '-ss', '3',
      ...INPUT,
      '-filter_complex',
      '[0:0]split=3[s0][s1][s2];' +
        '[s0]fps=60000/1001,trim=start_pts=240:end_pts=480,scale=1280:720:flags=bicubic,format=yuv420p,setsar=1[v0];' +
        '[s1]fps=30000/1001,trim=start_pts=120:end_pts=240,scale=640:360:flags=bicubic,format=yuv420p,setsar=1[v1];' +
        '[s2]fps=1/1,trim=start_pts=4:end_pts=8,scale=160:90:flags=bicubic,setsar=1[storyboard]',
    ]);
    const hdr = videoPlan(hdrPq720p, { rungs: [{ height: 360 }], segmentSeconds: 2 }, 30);
    expect(buildChunkVideoArgs(hdr, chunk(1, 10, 10, 5, 5), IO)).toContain(
      '[0:0]zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p,split=2[s0][s1];' +
        '[s0]fps=30,trim=start_pts=300:end_pts=600,scale=640:360:flags=bicubic,format=yuv420p,setsar=1[v0];' +
        '[s1]fps=1/1,trim=start_pts=10:end_pts=20,scale=160:90:flags=bicubic,setsar=1[storyboard]',
    );
  });

  it('writes no storyboard output for a chunk that holds no thumbnail time', () => {
    // 30 minutes: one thumbnail every 30 s, none of them in [32, 56).
    const long = videoPlan(landscape1080p30, { rungs: [{ height: 360 }], segmentSeconds: 4 }, 1800);
    expect(long.storyboard.intervalS).toBe(30);
    const args = buildChunkVideoArgs(long, chunk(1, 32, 24, 8, 6), IO);
    expect(args).not.toContain('image2');
    expect(args).toContain('[0:0]fps=30,trim=start_pts=960:end_pts=1680,scale=640:360:flags=bicubic,format=yuv420p,setsar=1[v0]');
    // prettier-ignore
    expect(buildChunkVideoArgs(long, chunk(2, 56, 24, 14, 6), IO).slice(-18)).toEqual([
      '-map', '[storyboard]', '-frames:v', '1', '-f', 'image2', '-start_number', '3', '/tmp/job/storyboard/thumb_%04d.png',
      ...sameStreams(1),
    ]);
  });

  it('reads the video alone when the plan has no audio (the single pass reads nothing else either)', () => {
    const silent = videoPlan(noAudio, { rungs: [{ height: 360 }], segmentSeconds: 2 }, 30);
    const { storyboardThumbnails: _, ...withoutStoryboard } = IO;
    expect(buildChunkVideoArgs(silent, chunk(1, 10, 10, 5, 5), withoutStoryboard).slice(-3)).toEqual(['-var_stream_map', 'v:0,name:360p', '/tmp/job/chunk/%v/index.m3u8']);
  });
});

describe('buildChunkedAudioArgs', () => {
  it('encodes the audio rendition alone, for the whole input, on the chunks’ timeline', () => {
    // prettier-ignore
    expect(buildChunkedAudioArgs(plan(landscape1080p30, TWO_RUNGS), IO)).toEqual([
      ...HEAD,
      ...INPUT,
      '-map', '0:1', '-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-ar', '48000',
      ...hlsTail(2, null, 'a:0,name:audio'),
      ...sameStreams(0),
    ]);
    // prettier-ignore
    expect(buildChunkedAudioArgs(plan(m4aAudioOnly, { audioBitrateKbps: 96 }), { ...IO, attempt: undefined })).toEqual([
      ...HEAD,
      ...INPUT,
      '-map', '0:0', '-c:a', 'aac', '-b:a', '96k', '-ac', '2', '-ar', '48000',
      ...hlsTail(4, null, 'a:0,name:audio', 'seg_%05d.ts'),
    ]);
  });

  it('refuses a plan without audio', () => {
    expect(() => buildChunkedAudioArgs(plan(noAudio), IO)).toThrow(RangeError);
  });
});

describe('plannedChunkFrames', () => {
  it('counts the top rendition frames of a chunk, on the whole input frame grid', () => {
    const ntsc = videoPlan(ntsc720p5994, { rungs: [{ height: 720 }, { height: 360 }], segmentSeconds: 2 }, 12.0333);
    expect(plannedChunkFrames(ntsc, chunk(0, 0, 4, 0, 2))).toBe(240);
    expect(plannedChunkFrames(ntsc, chunk(1, 4, 4, 2, 2))).toBe(240);
    // 12.0333 s × 59.94 = 721.3: frames 480 to 721.
    expect(plannedChunkFrames(ntsc, chunk(2, 8, 4.0333, 4, 3, true))).toBe(242);
    const thirty = videoPlan(landscape1080p30, { rungs: [{ height: 360 }], segmentSeconds: 2 }, 13);
    expect(plannedChunkFrames(thirty, chunk(2, 8, 5, 4, 3, true))).toBe(150);
  });
});

describe('frame windows', () => {
  it('picks the first frame at or after an instant on the grid, in whole numbers', () => {
    expect(firstFrameAtOrAfter(4, { num: 30, den: 1 })).toBe(120);
    expect(firstFrameAtOrAfter(4, { num: 30000, den: 1001 })).toBe(120);
    expect(firstFrameAtOrAfter(1001, { num: 30000, den: 1001 })).toBe(30000);
    expect(firstFrameAtOrAfter(2, { num: 24000, den: 1001 })).toBe(48);
    expect(firstFrameAtOrAfter(0, { num: 25, den: 1 })).toBe(0);
    expect(firstFrameAtOrAfter(25, { num: 1, den: 10 })).toBe(3);
    expect(firstFrameAtOrAfter(30, { num: 1, den: 10 })).toBe(3);
    expect(() => firstFrameAtOrAfter(2.5, { num: 30, den: 1 })).toThrow(RangeError);
    expect(() => firstFrameAtOrAfter(-2, { num: 30, den: 1 })).toThrow(RangeError);
  });

  it('trims to the window, open-ended for the last chunk', () => {
    expect(trimToWindow({ startS: 12, endS: 18 }, { num: 25, den: 1 })).toBe('trim=start_pts=300:end_pts=450');
    expect(trimToWindow({ startS: 12, endS: null }, { num: 25, den: 1 })).toBe('trim=start_pts=300');
  });

  it('counts the storyboard thumbnails a window holds', () => {
    const storyboard = videoPlan(landscape1080p30, { rungs: [{ height: 360 }] }, 95).storyboard;
    expect(storyboard).toMatchObject({ intervalS: 1, count: 95 });
    expect(storyboardThumbnailRange(storyboard, { startS: 0, endS: 20 })).toEqual({ first: 0, end: 20 });
    expect(storyboardThumbnailRange(storyboard, { startS: 80, endS: null })).toEqual({ first: 80, end: 95 });
    const sparse = { ...storyboard, intervalS: 30, count: 4 };
    expect(storyboardThumbnailRange(sparse, { startS: 32, endS: 56 })).toEqual({ first: 2, end: 2 });
    expect(storyboardThumbnailRange(sparse, { startS: 100, endS: null })).toEqual({ first: 4, end: 4 });
  });
});
