import { describe, expect, it } from '@jest/globals';
import { ALLOWED_INPUT_FORMATS } from '../src/input-formats.constants.js';
import { untrustedInputArgs } from '../src/untrusted-input.args.js';
import {
  buildPosterArgs,
  buildStoryboardTileArgs,
  LadderOptionsSchema,
  parseProbe,
  planLadder,
  planStoryboard,
  posterTimeS,
  storyboardFilters,
  storyboardIntervalS,
  STORYBOARD_THUMB_PATTERN,
  type StoryboardPlan,
  type VideoTranscodePlan,
  writeStoryboardVtt,
} from '../src/index.js';
import { hdrPq720p } from './fixtures/ffprobe-color.fixtures.js';
import { odd853x479, portrait1080x1920 } from './fixtures/ffprobe-shape.fixtures.js';
import { landscape1080p30 } from './fixtures/ffprobe-size.fixtures.js';

const ALLOWED = ALLOWED_INPUT_FORMATS.join(',');

function videoPlan(raw: unknown, zscale = true): VideoTranscodePlan {
  const made = planLadder(parseProbe(raw), LadderOptionsSchema.parse({}), { zscale });
  if (!made.hasVideo) throw new Error('expected a video plan');
  return made;
}

const TONE_MAP = 'zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p';
const IMAGE = { input: '/tmp/job/input.mp4', output: '/tmp/job/poster.jpg' };

describe('buildPosterArgs', () => {
  it('grabs the most typical frame 10 % in, at the top rendition size', () => {
    // prettier-ignore
    expect(buildPosterArgs(videoPlan(landscape1080p30), IMAGE)).toEqual([
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
      '-ss', '0.600',
      '-protocol_whitelist', 'file', '-format_whitelist', ALLOWED, '-i', 'file:/tmp/job/input.mp4',
      '-map', '0:0',
      '-vf', 'scale=1920:1080:flags=bicubic,thumbnail=n=25,setsar=1',
      '-frames:v', '1',
      '-q:v', '2',
      '/tmp/job/poster.jpg',
    ]);
  });

  it('tone-maps an HDR poster after picking the frame', () => {
    // prettier-ignore
    expect(buildPosterArgs(videoPlan(hdrPq720p), IMAGE)).toEqual([
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
      '-ss', '0.600',
      '-protocol_whitelist', 'file', '-format_whitelist', ALLOWED, '-i', 'file:/tmp/job/input.mp4',
      '-map', '0:0',
      '-vf', `scale=1280:720:flags=bicubic,thumbnail=n=25,${TONE_MAP},setsar=1`,
      '-frames:v', '1',
      '-q:v', '2',
      '/tmp/job/poster.jpg',
    ]);
  });

  it('picks a time 10 % in, at least a second before the end, never negative', () => {
    expect([0.4, 1, 1.05, 6.008, 100, 3600].map(posterTimeS)).toEqual([0, 0, 0.05, 0.601, 10, 360]);
  });
});

describe('storyboards', () => {
  it('picks a round interval that keeps at most 100 thumbnails', () => {
    expect([6, 100, 101, 150, 500, 999, 1500, 3600, 7200, 100_000].map(storyboardIntervalS)).toEqual([
      1, 1, 2, 2, 5, 10, 15, 60, 120, 1000,
    ]);
  });

  it('plans the sheet from the top rendition aspect ratio', () => {
    expect(planStoryboard(videoPlan(odd853x479))).toEqual({
      durationS: 6.008,
      intervalS: 1,
      count: 7,
      columns: 7,
      rows: 1,
      thumbWidth: 160,
      thumbHeight: 90,
    });
    expect(planStoryboard({ ...videoPlan(portrait1080x1920), durationS: 250 })).toEqual({
      durationS: 250,
      intervalS: 5,
      count: 50,
      columns: 10,
      rows: 5,
      thumbWidth: 160,
      thumbHeight: 284,
    });
  });

  it('samples one thumbnail every N seconds in the ladder pass, then tiles them row by row', () => {
    const plan = videoPlan(landscape1080p30);
    expect(storyboardFilters(planStoryboard(plan))).toEqual(['fps=1/1', 'scale=160:90:flags=bicubic', 'setsar=1']);
    const long = { ...videoPlan(portrait1080x1920), durationS: 250 };
    expect(storyboardFilters(planStoryboard(long))).toEqual(['fps=1/5', 'scale=160:284:flags=bicubic', 'setsar=1']);
    // prettier-ignore
    expect(buildStoryboardTileArgs(planStoryboard(long), { thumbnails: '/tmp/job/sb/thumb_%04d.png', output: '/tmp/job/hls/storyboard.jpg' })).toEqual([
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
      '-framerate', '1',
      '-i', '/tmp/job/sb/thumb_%04d.png',
      '-vf', 'tile=10x5',
      '-frames:v', '1',
      '-q:v', '4',
      '/tmp/job/hls/storyboard.jpg',
    ]);
    expect(STORYBOARD_THUMB_PATTERN).toBe('thumb_%04d.png');
  });

  it('writes a WebVTT thumbnail track whose cues walk the sheet row by row', () => {
    const sheet: StoryboardPlan = { durationS: 24.5, intervalS: 2, count: 13, columns: 10, rows: 2, thumbWidth: 160, thumbHeight: 90 };
    expect(writeStoryboardVtt(sheet, 'storyboard.jpg')).toBe(
      [
        'WEBVTT',
        '',
        '00:00:00.000 --> 00:00:02.000',
        'storyboard.jpg#xywh=0,0,160,90',
        '',
        '00:00:02.000 --> 00:00:04.000',
        'storyboard.jpg#xywh=160,0,160,90',
        '',
        '00:00:04.000 --> 00:00:06.000',
        'storyboard.jpg#xywh=320,0,160,90',
        '',
        '00:00:06.000 --> 00:00:08.000',
        'storyboard.jpg#xywh=480,0,160,90',
        '',
        '00:00:08.000 --> 00:00:10.000',
        'storyboard.jpg#xywh=640,0,160,90',
        '',
        '00:00:10.000 --> 00:00:12.000',
        'storyboard.jpg#xywh=800,0,160,90',
        '',
        '00:00:12.000 --> 00:00:14.000',
        'storyboard.jpg#xywh=960,0,160,90',
        '',
        '00:00:14.000 --> 00:00:16.000',
        'storyboard.jpg#xywh=1120,0,160,90',
        '',
        '00:00:16.000 --> 00:00:18.000',
        'storyboard.jpg#xywh=1280,0,160,90',
        '',
        '00:00:18.000 --> 00:00:20.000',
        'storyboard.jpg#xywh=1440,0,160,90',
        '',
        '00:00:20.000 --> 00:00:22.000',
        'storyboard.jpg#xywh=0,90,160,90',
        '',
        '00:00:22.000 --> 00:00:24.000',
        'storyboard.jpg#xywh=160,90,160,90',
        '',
        '00:00:24.000 --> 00:00:24.500',
        'storyboard.jpg#xywh=320,90,160,90',
        '',
      ].join('\n'),
    );
  });

  it('formats hours in cue times and defaults the sprite name', () => {
    const long: StoryboardPlan = { durationS: 3725.25, intervalS: 3700, count: 2, columns: 2, rows: 1, thumbWidth: 160, thumbHeight: 68 };
    expect(writeStoryboardVtt(long)).toBe(
      'WEBVTT\n\n00:00:00.000 --> 01:01:40.000\nsprite.jpg#xywh=0,0,160,68\n\n01:01:40.000 --> 01:02:05.250\nsprite.jpg#xywh=160,0,160,68\n',
    );
  });
});

describe('untrustedInputArgs', () => {
  it('when a path looks like an option or a protocol, then ffmpeg still reads it as a local file, with the accepted demuxers only', () => {
    expect(untrustedInputArgs('-x:y.mp4')).toEqual(['-protocol_whitelist', 'file', '-format_whitelist', ALLOWED, '-i', 'file:-x:y.mp4']);
  });
});
