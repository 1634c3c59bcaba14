import { describe, expect, it } from '@jest/globals';
import {
  type BitrateMeasure,
  LadderOptionsSchema,
  measureRendition,
  parseProbe,
  planLadder,
  type TranscodePlan,
  writeMasterPlaylist,
} from '../src/index.js';
import { m4aAudioOnly, noAudio } from './fixtures/ffprobe-audio.fixtures.js';
import { ntsc720p5994 } from './fixtures/ffprobe-motion.fixtures.js';
import { landscape1080p30 } from './fixtures/ffprobe-size.fixtures.js';

function plan(raw: unknown): TranscodePlan {
  return planLadder(parseProbe(raw), LadderOptionsSchema.parse({}));
}

// Measured on the real output of the 1080p30 fixture (see the report of the manual ffmpeg run).
const MEASURED: Record<string, BitrateMeasure> = {
  '1080p': { peakBps: 5779120, averageBps: 5753051 },
  '720p': { peakBps: 2906856, averageBps: 2894198 },
  '480p': { peakBps: 1267872, averageBps: 1230774 },
  '360p': { peakBps: 744480, averageBps: 721419 },
  audio: { peakBps: 142246, averageBps: 142246 },
};

describe('writeMasterPlaylist', () => {
  it('lists one audio group and the video variants by ascending bandwidth, video + audio bitrates added', () => {
    expect(writeMasterPlaylist({ plan: plan(landscape1080p30), measurements: MEASURED })).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"',
        '#EXT-X-STREAM-INF:BANDWIDTH=886726,AVERAGE-BANDWIDTH=863665,RESOLUTION=640x360,FRAME-RATE=30.000,CODECS="avc1.64001e,mp4a.40.2",AUDIO="aud"',
        '360p/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=1410118,AVERAGE-BANDWIDTH=1373020,RESOLUTION=854x480,FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2",AUDIO="aud"',
        '480p/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=3049102,AVERAGE-BANDWIDTH=3036444,RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2",AUDIO="aud"',
        '720p/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=5921366,AVERAGE-BANDWIDTH=5895297,RESOLUTION=1920x1080,FRAME-RATE=30.000,CODECS="avc1.640028,mp4a.40.2",AUDIO="aud"',
        '1080p/index.m3u8',
        '',
      ].join('\n'),
    );
  });

  it('orders by measured bandwidth, not by plan order, and prints NTSC frame rates with three decimals', () => {
    const measurements = {
      '720p': { peakBps: 500000, averageBps: 400000 },
      '480p': { peakBps: 900000, averageBps: 800000 },
      '360p': { peakBps: 300000, averageBps: 250000 },
      audio: { peakBps: 130000, averageBps: 128000 },
    };
    expect(writeMasterPlaylist({ plan: plan(ntsc720p5994), measurements })).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"',
        '#EXT-X-STREAM-INF:BANDWIDTH=430000,AVERAGE-BANDWIDTH=378000,RESOLUTION=640x360,FRAME-RATE=29.970,CODECS="avc1.64001e,mp4a.40.2",AUDIO="aud"',
        '360p/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=630000,AVERAGE-BANDWIDTH=528000,RESOLUTION=1280x720,FRAME-RATE=59.940,CODECS="avc1.640020,mp4a.40.2",AUDIO="aud"',
        '720p/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=1030000,AVERAGE-BANDWIDTH=928000,RESOLUTION=854x480,FRAME-RATE=29.970,CODECS="avc1.64001f,mp4a.40.2",AUDIO="aud"',
        '480p/index.m3u8',
        '',
      ].join('\n'),
    );
  });

  it('writes video-only variants without an audio group', () => {
    const measurements = {
      '720p': { peakBps: 2954608, averageBps: 2882918 },
      '480p': { peakBps: 1310736, averageBps: 1247318 },
      '360p': { peakBps: 786592, averageBps: 722923 },
    };
    expect(writeMasterPlaylist({ plan: plan(noAudio), measurements })).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-STREAM-INF:BANDWIDTH=786592,AVERAGE-BANDWIDTH=722923,RESOLUTION=640x360,FRAME-RATE=30.000,CODECS="avc1.64001e"',
        '360p/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=1310736,AVERAGE-BANDWIDTH=1247318,RESOLUTION=854x480,FRAME-RATE=30.000,CODECS="avc1.64001f"',
        '480p/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=2954608,AVERAGE-BANDWIDTH=2882918,RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS="avc1.64001f"',
        '720p/index.m3u8',
        '',
      ].join('\n'),
    );
  });

  it('lists only the audio variant for audio-only input (no RESOLUTION, no group)', () => {
    const measurements = { audio: { peakBps: 145453, averageBps: 143741 } };
    expect(writeMasterPlaylist({ plan: plan(m4aAudioOnly), measurements })).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-STREAM-INF:BANDWIDTH=145453,AVERAGE-BANDWIDTH=143741,CODECS="mp4a.40.2"',
        'audio/index.m3u8',
        '',
      ].join('\n'),
    );
  });

  it('refuses to guess a missing measurement', () => {
    const { audio: _audio, ...withoutAudio } = MEASURED;
    expect(() => writeMasterPlaylist({ plan: plan(landscape1080p30), measurements: withoutAudio })).toThrow('no bitrate measurement for rendition "audio"');
  });
});

describe('measureRendition', () => {
  it('takes the average over all bits and the peak over the busiest segment', () => {
    const segments = [
      { durationS: 4, bytes: 2_000_000 },
      { durationS: 4, bytes: 3_000_000 },
      { durationS: 2, bytes: 1_000_000 },
    ];
    // 24 Mbit / 10 s; busiest single segment 6 Mbit/s (two-segment runs of 8 s exceed 1.5 × target).
    expect(measureRendition(segments)).toEqual({ peakBps: 6_000_000, averageBps: 4_800_000 });
  });

  it('does not let a tiny last segment (mostly a keyframe) pass for the peak', () => {
    const segments = [
      { durationS: 2, bytes: 500_000 },
      { durationS: 2, bytes: 500_000 },
      { durationS: 0.033, bytes: 40_000 },
    ];
    // The 0.033 s segment alone is 9.7 Mbit/s but lasts under half the 2 s target; with its neighbour it is 2.12 Mbit/s.
    expect(measureRendition(segments)).toEqual({ peakBps: 2_124_939, averageBps: 2_062_981 });
  });

  it('uses a given target duration and falls back to the whole when no run qualifies', () => {
    expect(measureRendition([{ durationS: 1, bytes: 125_000 }, { durationS: 1, bytes: 250_000 }], 4)).toEqual({
      peakBps: 1_500_000,
      averageBps: 1_500_000,
    });
    expect(measureRendition([{ durationS: 0.2, bytes: 1000 }], 4)).toEqual({ peakBps: 40_000, averageBps: 40_000 });
  });

  it('rejects empty or impossible segment lists', () => {
    expect(() => measureRendition([])).toThrow(RangeError);
    expect(() => measureRendition([{ durationS: 0, bytes: 10 }])).toThrow(RangeError);
    expect(() => measureRendition([{ durationS: 1, bytes: -1 }])).toThrow(RangeError);
  });
});
