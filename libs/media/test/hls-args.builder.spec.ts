import { describe, expect, it } from '@jest/globals';
import { ALLOWED_INPUT_FORMATS } from '../src/input-formats.constants.js';
import {
  buildFilterComplex,
  buildHlsArgs,
  buildVarStreamMap,
  LadderOptionsSchema,
  type LadderOptionsInput,
  parseProbe,
  planLadder,
  type TranscodePlan,
  type VideoTranscodePlan,
  planStoryboard,
  segmentNamePattern,
} from '../src/index.js';
import { EXPECTED_HEAD, expectedX264 } from './expected-args.js';
import { m4aAudioOnly, multiAudio, noAudio } from './fixtures/ffprobe-audio.fixtures.js';
import { hdrPq720p } from './fixtures/ffprobe-color.fixtures.js';
import { hd720p60 } from './fixtures/ffprobe-motion.fixtures.js';
import { landscape1080p30 } from './fixtures/ffprobe-size.fixtures.js';

const ALLOWED = ALLOWED_INPUT_FORMATS.join(',');

const IO = { input: '/tmp/job/input.mp4', outputDir: '/tmp/job/hls' };

function plan(raw: unknown, options: LadderOptionsInput = {}, zscale = true): TranscodePlan {
  return planLadder(parseProbe(raw), LadderOptionsSchema.parse(options), { zscale });
}

function videoPlan(raw: unknown, options: LadderOptionsInput = {}, zscale = true): VideoTranscodePlan {
  const made = plan(raw, options, zscale);
  if (!made.hasVideo) throw new Error('expected a video plan');
  return made;
}

const HEAD = EXPECTED_HEAD;
const x264 = expectedX264;

// prettier-ignore
function hlsTail(segmentSeconds: number, varStreamMap: string): string[] {
  return [
    '-f', 'hls',
    '-hls_time', String(segmentSeconds),
    '-hls_playlist_type', 'event',
    '-hls_flags', 'independent_segments+temp_file',
    '-hls_segment_type', 'mpegts',
    '-hls_segment_filename', '/tmp/job/hls/%v/seg_%05d.ts',
    '-var_stream_map', varStreamMap,
    '/tmp/job/hls/%v/index.m3u8',
  ];
}

const STEREO_AAC = ['-map', '0:1', '-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-ar', '48000'];

describe('buildHlsArgs', () => {
  it('writes four renditions and one shared audio rendition from a 1080p30 stereo source in one process', () => {
    // prettier-ignore
    expect(buildHlsArgs(plan(landscape1080p30), IO)).toEqual([
      ...HEAD,
      '-protocol_whitelist', 'file', '-format_whitelist', ALLOWED, '-i', 'file:/tmp/job/input.mp4',
      '-filter_complex',
      '[0:0]split=4[s0][s1][s2][s3];' +
        '[s0]fps=30,scale=1920:1080:flags=bicubic,format=yuv420p,setsar=1[v0];' +
        '[s1]fps=30,scale=1280:720:flags=bicubic,format=yuv420p,setsar=1[v1];' +
        '[s2]fps=30,scale=854:480:flags=bicubic,format=yuv420p,setsar=1[v2];' +
        '[s3]fps=30,scale=640:360:flags=bicubic,format=yuv420p,setsar=1[v3]',
      ...x264(0, '4.0', [5600, 5992, 8988], 120),
      ...x264(1, '3.1', [2800, 2996, 4494], 120),
      ...x264(2, '3.1', [1200, 1284, 1926], 120),
      ...x264(3, '3.0', [690, 738, 1107], 120),
      '-force_key_frames:v', 'expr:gte(t,n_forced*4)',
      '-fps_mode:v', 'cfr',
      ...STEREO_AAC,
      ...hlsTail(4, 'v:0,agroup:aud,name:1080p v:1,agroup:aud,name:720p v:2,agroup:aud,name:480p v:3,agroup:aud,name:360p a:0,agroup:aud,name:audio'),
    ]);
  });

  it('gives each rendition its own frame rate and GOP (720p60 + 480p30 + 360p30), preset and segment length', () => {
    // prettier-ignore
    expect(buildHlsArgs(plan(hd720p60, { segmentSeconds: 2, preset: 'faster' }), IO)).toEqual([
      ...HEAD,
      '-protocol_whitelist', 'file', '-format_whitelist', ALLOWED, '-i', 'file:/tmp/job/input.mp4',
      '-filter_complex',
      '[0:0]split=3[s0][s1][s2];' +
        '[s0]fps=60,scale=1280:720:flags=bicubic,format=yuv420p,setsar=1[v0];' +
        '[s1]fps=30,scale=854:480:flags=bicubic,format=yuv420p,setsar=1[v1];' +
        '[s2]fps=30,scale=640:360:flags=bicubic,format=yuv420p,setsar=1[v2]',
      ...x264(0, '3.2', [3900, 4173, 6260], 120, 'faster'),
      ...x264(1, '3.1', [1200, 1284, 1926], 60, 'faster'),
      ...x264(2, '3.0', [690, 738, 1107], 60, 'faster'),
      '-force_key_frames:v', 'expr:gte(t,n_forced*2)',
      '-fps_mode:v', 'cfr',
      ...STEREO_AAC,
      ...hlsTail(2, 'v:0,agroup:aud,name:720p v:1,agroup:aud,name:480p v:2,agroup:aud,name:360p a:0,agroup:aud,name:audio'),
    ]);
  });

  it('tone-maps HDR once before the split and maps the chosen audio stream by absolute index', () => {
    const hdr = videoPlan(hdrPq720p, { rungs: [{ height: 720 }, { height: 360 }] });
    expect(buildFilterComplex(hdr)).toBe(
      '[0:0]zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,' +
        'zscale=t=bt709:m=bt709:r=tv,format=yuv420p,split=2[s0][s1];' +
        '[s0]fps=30,scale=1280:720:flags=bicubic,format=yuv420p,setsar=1[v0];' +
        '[s1]fps=30,scale=640:360:flags=bicubic,format=yuv420p,setsar=1[v1]',
    );
    expect(buildFilterComplex(videoPlan(hdrPq720p, { rungs: [{ height: 720 }] }, false))).toBe(
      '[0:0]fps=30,scale=1280:720:flags=bicubic,format=yuv420p,setsar=1[v0]',
    );
    // prettier-ignore
    expect(buildHlsArgs(plan(multiAudio, { rungs: [{ height: 360 }] }), IO)).toEqual([
      ...HEAD,
      '-protocol_whitelist', 'file', '-format_whitelist', ALLOWED, '-i', 'file:/tmp/job/input.mp4',
      '-filter_complex', '[0:0]fps=30,scale=640:360:flags=bicubic,format=yuv420p,setsar=1[v0]',
      ...x264(0, '3.0', [690, 738, 1107], 120),
      '-force_key_frames:v', 'expr:gte(t,n_forced*4)',
      '-fps_mode:v', 'cfr',
      '-map', '0:2', '-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-ar', '48000',
      ...hlsTail(4, 'v:0,agroup:aud,name:360p a:0,agroup:aud,name:audio'),
    ]);
  });

  it('needs no split for a single rendition', () => {
    // prettier-ignore
    expect(buildHlsArgs(plan(landscape1080p30, { rungs: [{ height: 720 }], audioBitrateKbps: 96 }), { ...IO, outputDir: '/tmp/job/hls/' })).toEqual([
      ...HEAD,
      '-protocol_whitelist', 'file', '-format_whitelist', ALLOWED, '-i', 'file:/tmp/job/input.mp4',
      '-filter_complex', '[0:0]fps=30,scale=1280:720:flags=bicubic,format=yuv420p,setsar=1[v0]',
      ...x264(0, '3.1', [2800, 2996, 4494], 120),
      '-force_key_frames:v', 'expr:gte(t,n_forced*4)',
      '-fps_mode:v', 'cfr',
      '-map', '0:1', '-c:a', 'aac', '-b:a', '96k', '-ac', '2', '-ar', '48000',
      ...hlsTail(4, 'v:0,agroup:aud,name:720p a:0,agroup:aud,name:audio'),
    ]);
  });

  it('writes video variants without an audio group when there is no audio', () => {
    // prettier-ignore
    expect(buildHlsArgs(plan(noAudio, { rungs: [{ height: 480 }, { height: 360 }] }), IO)).toEqual([
      ...HEAD,
      '-protocol_whitelist', 'file', '-format_whitelist', ALLOWED, '-i', 'file:/tmp/job/input.mp4',
      '-filter_complex',
      '[0:0]split=2[s0][s1];' +
        '[s0]fps=30,scale=854:480:flags=bicubic,format=yuv420p,setsar=1[v0];' +
        '[s1]fps=30,scale=640:360:flags=bicubic,format=yuv420p,setsar=1[v1]',
      ...x264(0, '3.1', [1200, 1284, 1926], 120),
      ...x264(1, '3.0', [690, 738, 1107], 120),
      '-force_key_frames:v', 'expr:gte(t,n_forced*4)',
      '-fps_mode:v', 'cfr',
      ...hlsTail(4, 'v:0,name:480p v:1,name:360p'),
    ]);
  });

  it('writes a single audio rendition for audio-only input', () => {
    // prettier-ignore
    expect(buildHlsArgs(plan(m4aAudioOnly), IO)).toEqual([
      ...HEAD,
      '-protocol_whitelist', 'file', '-format_whitelist', ALLOWED, '-i', 'file:/tmp/job/input.mp4',
      '-map', '0:0', '-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-ar', '48000',
      ...hlsTail(4, 'a:0,name:audio'),
    ]);
  });

  it('writes the storyboard thumbnails as a second output of the same decode, after the HLS output', () => {
    // prettier-ignore
    expect(buildHlsArgs(plan(noAudio, { rungs: [{ height: 480 }, { height: 360 }] }), { ...IO, storyboardThumbnails: '/tmp/job/sb/thumb_%04d.png' })).toEqual([
      ...HEAD,
      '-protocol_whitelist', 'file', '-format_whitelist', ALLOWED, '-i', 'file:/tmp/job/input.mp4',
      '-filter_complex',
      '[0:0]split=3[s0][s1][s2];' +
        '[s0]fps=30,scale=854:480:flags=bicubic,format=yuv420p,setsar=1[v0];' +
        '[s1]fps=30,scale=640:360:flags=bicubic,format=yuv420p,setsar=1[v1];' +
        '[s2]fps=1/1,scale=160:90:flags=bicubic,setsar=1[storyboard]',
      ...x264(0, '3.1', [1200, 1284, 1926], 120),
      ...x264(1, '3.0', [690, 738, 1107], 120),
      '-force_key_frames:v', 'expr:gte(t,n_forced*4)',
      '-fps_mode:v', 'cfr',
      ...hlsTail(4, 'v:0,name:480p v:1,name:360p'),
      '-map', '[storyboard]', '-f', 'image2', '/tmp/job/sb/thumb_%04d.png',
    ]);
  });

  it('splits a single rendition in two for the storyboard, tone-mapped HDR included, and ignores it for audio-only input', () => {
    const hdr = videoPlan(hdrPq720p, { rungs: [{ height: 720 }] });
    expect(buildFilterComplex(hdr, planStoryboard({ ...hdr, durationS: 600 }))).toBe(
      '[0:0]zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,' +
        'zscale=t=bt709:m=bt709:r=tv,format=yuv420p,split=2[s0][s1];' +
        '[s0]fps=30,scale=1280:720:flags=bicubic,format=yuv420p,setsar=1[v0];' +
        '[s1]fps=1/10,scale=160:90:flags=bicubic,setsar=1[storyboard]',
    );
    expect(buildHlsArgs(plan(m4aAudioOnly), { ...IO, storyboardThumbnails: '/tmp/job/sb/thumb_%04d.png' })).toEqual(buildHlsArgs(plan(m4aAudioOnly), IO));
  });

  it('names segments per attempt when told the attempt, so no two attempts share a segment URL', () => {
    const args = buildHlsArgs(plan(landscape1080p30), { ...IO, attempt: 3 });
    expect(args[args.indexOf('-hls_segment_filename') + 1]).toBe('/tmp/job/hls/%v/seg_a3_%05d.ts');
    expect(buildHlsArgs(plan(landscape1080p30), IO)).toContain('/tmp/job/hls/%v/seg_%05d.ts');
    expect(segmentNamePattern(1)).toBe('seg_a1_%05d.ts');
    expect(() => segmentNamePattern(0)).toThrow(RangeError);
    expect(() => segmentNamePattern(1.5)).toThrow(RangeError);
  });

  it('keeps every flag and value a separate token', () => {
    const args = buildHlsArgs(plan(landscape1080p30), IO);
    const flagsWithValues = args.filter((token) => /^-[a-z_:0-9]+ /.test(token));
    expect(flagsWithValues).toEqual([]);
  });

  it('makes ffmpeg fail (exit 69) when more than 5 % of the packets cannot be decoded, for video and audio-only input', () => {
    for (const made of [plan(landscape1080p30), plan(m4aAudioOnly)]) {
      const args = buildHlsArgs(made, IO);
      expect(args.slice(args.indexOf('-max_error_rate'), args.indexOf('-max_error_rate') + 2)).toEqual(['-max_error_rate', '0.05']);
      expect(args.indexOf('-max_error_rate')).toBeLessThan(args.indexOf('-i'));
    }
  });

  it('lists variants in plan order in the var_stream_map', () => {
    expect(buildVarStreamMap(plan(m4aAudioOnly))).toBe('a:0,name:audio');
    expect(buildVarStreamMap(plan(noAudio, { rungs: [{ height: 720 }] }))).toBe('v:0,name:720p');
  });
});
