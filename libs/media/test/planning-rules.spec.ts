import { describe, expect, it } from '@jest/globals';
import {
  avc1HighCodecString,
  baseFrameRate,
  cappedVideoKbps,
  formatRational,
  gopFrames,
  h264EquivalentKbps,
  parseRational,
  pickH264Level,
  rateControl,
  renditionFrameRate,
  roundClean,
  selectRungs,
  sourceColorFilters,
  tableVideoKbps,
  UnsupportedInputError,
} from '../src/index.js';

describe('rationals', () => {
  it('parses ffprobe rates and ratios exactly', () => {
    expect(['30000/1001', '30/1', '4:3', '25', '29.97', '0/0', '30/0', 'N/A', '', null, 24].map(parseRational)).toEqual([
      { num: 30000, den: 1001 },
      { num: 30, den: 1 },
      { num: 4, den: 3 },
      { num: 25, den: 1 },
      { num: 2997, den: 100 },
      null,
      null,
      null,
      null,
      null,
      { num: 24, den: 1 },
    ]);
  });

  it('formats in ffmpeg syntax', () => {
    expect([formatRational({ num: 30, den: 1 }), formatRational({ num: 30000, den: 1001 })]).toEqual(['30', '30000/1001']);
  });
});

describe('bitrate table', () => {
  it('rounds to two significant digits', () => {
    expect([5598.72, 691.2, 1229.76, 17418, 43.2, 8.4].map((kbps) => roundClean(kbps))).toEqual([5600, 690, 1200, 17000, 43, 8]);
    expect(roundClean(1084.6, 'down')).toBe(1000);
  });

  it('scales with pixels and with the square root of the frame rate', () => {
    expect([
      tableVideoKbps(1920, 1080, 30),
      tableVideoKbps(1920, 1080, 60),
      tableVideoKbps(1280, 720, 30),
      tableVideoKbps(1280, 720, 60),
      tableVideoKbps(640, 360, 24),
      tableVideoKbps(2560, 1440, 30),
      tableVideoKbps(3840, 2160, 30),
    ]).toEqual([5600, 7900, 2800, 3900, 620, 8800, 17000]);
  });

  it('caps at 110 % of the source and never below 200 kbps', () => {
    expect([cappedVideoKbps(5600, null), cappedVideoKbps(5600, 3000), cappedVideoKbps(690, 3000), cappedVideoKbps(690, 80)]).toEqual([
      5600, 3300, 690, 200,
    ]);
  });

  it('weighs newer source codecs', () => {
    expect([h264EquivalentKbps(1000, 'h264'), h264EquivalentKbps(1000, 'hevc'), h264EquivalentKbps(1000, 'av1'), h264EquivalentKbps(1000, 'mpeg2video')]).toEqual([
      1000, 1500, 1800, 1000,
    ]);
  });

  it('sets maxrate to 1.07× and bufsize to 1.5× maxrate', () => {
    expect(rateControl(5600)).toEqual({ maxrateKbps: 5992, bufsizeKbps: 8988 });
  });
});

describe('H.264 levels and codec strings', () => {
  const level = (width: number, height: number, fps: number, maxrateKbps = 1000, bufsizeKbps = 1500): string =>
    avc1HighCodecString(pickH264Level({ width, height, fps, maxrateKbps, bufsizeKbps }));

  it('picks the lowest level that fits size × rate', () => {
    expect([
      level(256, 144, 30, 200, 300),
      level(426, 240, 30),
      level(640, 360, 30),
      level(854, 480, 30),
      level(1280, 720, 30),
      level(1280, 720, 60),
      level(1920, 1080, 30),
      level(1920, 1080, 60),
      level(2560, 1440, 30),
      level(3840, 2160, 30),
      level(3840, 2160, 60),
      level(7680, 4320, 30),
    ]).toEqual([
      'avc1.64000c',
      'avc1.640015',
      'avc1.64001e',
      'avc1.64001f',
      'avc1.64001f',
      'avc1.640020',
      'avc1.640028',
      'avc1.64002a',
      'avc1.640032',
      'avc1.640033',
      'avc1.640034',
      'avc1.64003c',
    ]);
  });

  it('raises the level for bitrate and buffer size (High profile gets 1.25× the limits)', () => {
    expect(pickH264Level({ width: 1920, height: 1080, fps: 30, maxrateKbps: 25_000, bufsizeKbps: 25_000 }).name).toBe('4.0');
    expect(pickH264Level({ width: 1920, height: 1080, fps: 30, maxrateKbps: 25_001, bufsizeKbps: 25_000 }).name).toBe('4.1');
    expect(pickH264Level({ width: 1920, height: 1080, fps: 30, maxrateKbps: 20_000, bufsizeKbps: 31_251 }).name).toBe('4.1');
  });

  it('checks the width limit of very wide frames', () => {
    // 4000x200 is 3250 macroblocks (level 3.1 holds 3600), but 250 macroblocks wide needs √(8 × MaxFS) ≥ 250: level 4.0.
    expect(pickH264Level({ width: 4000, height: 200, fps: 30, maxrateKbps: 1000, bufsizeKbps: 1500 }).name).toBe('4.0');
  });

  it('refuses what no level allows', () => {
    expect(() => pickH264Level({ width: 8192, height: 4320, fps: 240, maxrateKbps: 1000, bufsizeKbps: 1500 })).toThrow(UnsupportedInputError);
  });
});

describe('frame-rate policy', () => {
  const rate = (num: number, den = 1) => ({ num, den });

  it('divides by the smallest whole number that meets the cap', () => {
    const cases: Array<[number, number, number]> = [
      [60, 1080, 60],
      [60, 480, 30],
      [50, 480, 25],
      [120, 720, 60],
      [120, 360, 30],
      [24, 360, 24],
      [30, 144, 30],
    ];
    expect(cases.map(([fps, height]) => renditionFrameRate(rate(fps), height))).toEqual(cases.map(([, , out]) => rate(out)));
    expect(renditionFrameRate(rate(60000, 1001), 480)).toEqual(rate(30000, 1001));
  });

  it('snaps a variable rate up to a standard one and defaults an unknown rate to 30', () => {
    expect([
      baseFrameRate({ frameRate: rate(360, 17), isVfr: true }),
      baseFrameRate({ frameRate: rate(2950, 100), isVfr: true }),
      baseFrameRate({ frameRate: rate(12), isVfr: true }),
      baseFrameRate({ frameRate: rate(90), isVfr: true }),
      baseFrameRate({ frameRate: rate(30000, 1001), isVfr: false }),
      baseFrameRate({ frameRate: null, isVfr: false }),
    ]).toEqual([rate(24), rate(30), rate(24), rate(60), rate(30000, 1001), rate(30)]);
  });

  it('rounds GOPs up to whole frames per segment', () => {
    expect([gopFrames(rate(30), 4), gopFrames(rate(30000, 1001), 4), gopFrames(rate(24000, 1001), 4), gopFrames(rate(1), 1)]).toEqual([120, 120, 96, 1]);
  });
});

describe('selectRungs', () => {
  const heights = [1080, 720, 480, 360].map((height) => ({ height }));
  const sizes = (width: number, height: number, maxRungs?: number) =>
    selectRungs(width, height, heights, maxRungs).frames.map((frame) => `${frame.name} ${frame.width}x${frame.height}`);

  it('keeps aspect ratio with even dimensions', () => {
    expect(sizes(1920, 1080)).toEqual(['1080p 1920x1080', '720p 1280x720', '480p 854x480', '360p 640x360']);
    expect(sizes(1440, 1080)).toEqual(['1080p 1440x1080', '720p 960x720', '480p 640x480', '360p 480x360']);
    expect(sizes(1080, 1350)).toEqual(['1080p 1080x1350', '720p 720x900', '480p 480x600', '360p 360x450']);
  });

  it('snaps at most one rung the source nearly reaches, only when no rung already covers it', () => {
    expect(sizes(1920, 1000)).toEqual(['1080p 1920x1000', '720p 1382x720', '480p 922x480', '360p 692x360']);
    expect(selectRungs(1920, 1000, [{ height: 1080 }, { height: 1000 }]).frames.map((frame) => frame.name)).toEqual(['1000p']);
    expect(sizes(1920, 960)).toEqual(['720p 1440x720', '480p 960x480', '360p 720x360']);
  });

  it('falls back to one rendition at the source size below the smallest rung', () => {
    expect(selectRungs(301, 169, heights)).toEqual({
      frames: [{ name: '168p', nominalHeight: 168, width: 300, height: 168, explicitKbps: null }],
      belowSmallestRung: true,
    });
    expect(sizes(3, 3)).toEqual(['2p 2x2']);
  });

  it('limits the count to the tallest maxRungs', () => {
    expect(sizes(1920, 1080, 3)).toEqual(['1080p 1920x1080', '720p 1280x720', '480p 854x480']);
  });
});

describe('sourceColorFilters', () => {
  it('tone-maps PQ and HLG with zscale and leaves SDR alone', () => {
    const toneMap = [
      'zscale=t=linear:npl=100',
      'format=gbrpf32le',
      'zscale=p=bt709',
      'tonemap=tonemap=hable:desat=0',
      'zscale=t=bt709:m=bt709:r=tv',
      'format=yuv420p',
    ];
    expect([sourceColorFilters('pq'), sourceColorFilters('hlg'), sourceColorFilters(null)]).toEqual([toneMap, toneMap, []]);
  });
});
