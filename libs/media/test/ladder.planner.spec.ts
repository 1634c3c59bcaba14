import { describe, expect, it } from '@jest/globals';
import {
  type AudioPlan,
  LadderOptionsSchema,
  type LadderOptionsInput,
  type MediaInfo,
  parseProbe,
  planLadder,
  planStoryboard,
  type Rendition,
  type TranscodePlan,
  TranscodePlanSchema,
  UnsupportedInputError,
} from '../src/index.js';
import { m4aAudioOnly, mp3WithCover, multiAudio, noAudio, surround51 } from './fixtures/ffprobe-audio.fixtures.js';
import { hdrHlg720p, hdrPq720p, tenBit720p } from './fixtures/ffprobe-color.fixtures.js';
import { full1080p50, hd720p60, ntsc720p5994, vfr720p } from './fixtures/ffprobe-motion.fixtures.js';
import { anamorphic1440x1080, odd853x479, portrait1080x1920, rotated90, ultrawide2560x1080 } from './fixtures/ffprobe-shape.fixtures.js';
import { hd720p30, landscape1080p30, sd360p30, tiny240p, uhd4k30 } from './fixtures/ffprobe-size.fixtures.js';

/** Golden rendition: every value literal, in the order name, size, rate, GOP, rate control, level, codecs. */
function r(
  name: string,
  [width, height]: [number, number],
  [num, den, fps]: [number, number, number],
  gop: number,
  [videoBitrateKbps, maxrateKbps, bufsizeKbps]: [number, number, number],
  level: string,
  codecs: string,
): Rendition {
  return { name, width, height, frameRate: { num, den }, fps, gop, videoBitrateKbps, maxrateKbps, bufsizeKbps, profile: 'high', level, codecs };
}

const AUDIO: AudioPlan = { name: 'audio', streamIndex: 1, bitrateKbps: 128, channels: 2, sampleRate: 48000, codecs: 'mp4a.40.2' };

const R1080 = r('1080p', [1920, 1080], [30, 1, 30], 120, [5600, 5992, 8988], '4.0', 'avc1.640028');
const R720 = r('720p', [1280, 720], [30, 1, 30], 120, [2800, 2996, 4494], '3.1', 'avc1.64001f');
const R480 = r('480p', [854, 480], [30, 1, 30], 120, [1200, 1284, 1926], '3.1', 'avc1.64001f');
const R360 = r('360p', [640, 360], [30, 1, 30], 120, [690, 738, 1107], '3.0', 'avc1.64001e');

function plan(raw: unknown, options: LadderOptionsInput = {}, zscale = true): TranscodePlan {
  return planLadder(parseProbe(raw), LadderOptionsSchema.parse(options), { zscale });
}

/** The expected plan; its storyboard (covered in poster-storyboard.builder.spec) follows from duration and renditions. */
function videoPlan(overrides: Partial<Extract<TranscodePlan, { hasVideo: true }>>): TranscodePlan {
  const plan: Omit<Extract<TranscodePlan, { hasVideo: true }>, 'storyboard'> = {
    durationS: 6,
    segmentSeconds: 4,
    preset: 'veryfast',
    hasVideo: true,
    video: { streamIndex: 0, toneMap: null },
    renditions: [],
    audio: AUDIO,
    notes: [],
    ...overrides,
  };
  return { ...plan, storyboard: planStoryboard(plan) };
}

describe('planLadder: sizes', () => {
  it('plans the full default ladder for a 1080p30 stereo source', () => {
    expect(plan(landscape1080p30)).toEqual(videoPlan({ renditions: [R1080, R720, R480, R360] }));
  });

  it('never upscales: a 720p source drops the 1080p rung', () => {
    expect(plan(hd720p30)).toEqual(videoPlan({ renditions: [R720, R480, R360] }));
  });

  it('gives a 360p source one rendition, not four', () => {
    expect(plan(sd360p30)).toEqual(videoPlan({ renditions: [R360] }));
  });

  it('gives a source below the smallest rung one rendition at its own (even) size', () => {
    expect(plan(tiny240p)).toEqual(
      videoPlan({
        renditions: [r('240p', [426, 240], [30, 1, 30], 120, [310, 332, 498], '2.1', 'avc1.640015')],
        notes: ['Source (427x240) is smaller than the smallest rung: one rendition at its own size.'],
      }),
    );
  });

  it('keeps a rung the source nearly reaches (853x479 → 480p) at the source size, rounded down to even', () => {
    expect(plan(odd853x479)).toEqual(
      videoPlan({
        durationS: 6.008,
        renditions: [r('480p', [852, 478], [30, 1, 30], 120, [1200, 1284, 1926], '3.1', 'avc1.64001f'), R360],
      }),
    );
  });

  it('scales 4K down to the default ladder, and to 2160p when asked', () => {
    expect(plan(uhd4k30)).toEqual(videoPlan({ durationS: 2, renditions: [R1080, R720, R480, R360] }));
    const rungs = [{ height: 2160 }, { height: 1080 }];
    expect(plan(uhd4k30, { rungs }).renditions).toEqual([
      r('2160p', [3840, 2160], [30, 1, 30], 120, [17000, 18190, 27285], '5.1', 'avc1.640033'),
      R1080,
    ]);
  });

  it('keeps the aspect ratio of an ultra-wide source (short side = rung height)', () => {
    expect(plan(ultrawide2560x1080).renditions).toEqual([
      r('1080p', [2560, 1080], [30, 1, 30], 120, [7500, 8025, 12038], '5.0', 'avc1.640032'),
      r('720p', [1706, 720], [30, 1, 30], 120, [3700, 3959, 5939], '3.2', 'avc1.640020'),
      r('480p', [1138, 480], [30, 1, 30], 120, [1600, 1712, 2568], '3.1', 'avc1.64001f'),
      r('360p', [854, 360], [30, 1, 30], 120, [920, 984, 1476], '3.0', 'avc1.64001e'),
    ]);
  });

  const PORTRAIT = [
    r('1080p', [1080, 1920], [30, 1, 30], 120, [5600, 5992, 8988], '4.0', 'avc1.640028'),
    r('720p', [720, 1280], [30, 1, 30], 120, [2800, 2996, 4494], '3.1', 'avc1.64001f'),
    r('480p', [480, 854], [30, 1, 30], 120, [1200, 1284, 1926], '3.1', 'avc1.64001f'),
    r('360p', [360, 640], [30, 1, 30], 120, [690, 738, 1107], '3.0', 'avc1.64001e'),
  ];

  it('plans portrait rungs by the short side (1080x1920 → "1080p" 1080x1920, "720p" 720x1280)', () => {
    expect(plan(portrait1080x1920)).toEqual(videoPlan({ renditions: PORTRAIT }));
  });

  it('plans a rotated landscape-stored phone video like a portrait one', () => {
    expect(plan(rotated90)).toEqual(
      videoPlan({ renditions: PORTRAIT, notes: ["Rotated 270° by ffmpeg's autorotate; display size 1080x1920."] }),
    );
  });

  it('plans an anamorphic 1440x1080 source at its 1920x1080 display size', () => {
    expect(plan(anamorphic1440x1080)).toEqual(
      videoPlan({
        renditions: [
          r('1080p', [1920, 1080], [25, 1, 25], 100, [5100, 5457, 8186], '4.0', 'avc1.640028'),
          r('720p', [1280, 720], [25, 1, 25], 100, [2500, 2675, 4013], '3.1', 'avc1.64001f'),
          r('480p', [854, 480], [25, 1, 25], 100, [1100, 1177, 1766], '3.0', 'avc1.64001e'),
          r('360p', [640, 360], [25, 1, 25], 100, [630, 674, 1011], '3.0', 'avc1.64001e'),
        ],
        notes: ['Anamorphic source (SAR 4:3) scaled to square pixels; display size 1920x1080.'],
      }),
    );
  });

  it('snaps a cropped 1920x1036 source to a 1080p rung at its own size', () => {
    const cropped = { ...landscape1080p30, streams: [{ ...landscape1080p30.streams[0], height: 1036 }, landscape1080p30.streams[1]] };
    expect(plan(cropped).renditions.map(({ name, width, height }) => `${name} ${width}x${height}`)).toEqual([
      '1080p 1920x1036',
      '720p 1334x720',
      '480p 890x480',
      '360p 668x360',
    ]);
  });
});

describe('planLadder: frame rate', () => {
  it('keeps 60 fps for 720p and halves it to 30 below', () => {
    expect(plan(hd720p60).renditions).toEqual([
      r('720p', [1280, 720], [60, 1, 60], 240, [3900, 4173, 6260], '3.2', 'avc1.640020'),
      R480,
      R360,
    ]);
  });

  it('keeps 50 fps from 720p up and halves it to 25 below', () => {
    expect(plan(full1080p50).renditions).toEqual([
      r('1080p', [1920, 1080], [50, 1, 50], 200, [7200, 7704, 11556], '4.2', 'avc1.64002a'),
      r('720p', [1280, 720], [50, 1, 50], 200, [3600, 3852, 5778], '3.2', 'avc1.640020'),
      r('480p', [854, 480], [25, 1, 25], 100, [1100, 1177, 1766], '3.0', 'avc1.64001e'),
      r('360p', [640, 360], [25, 1, 25], 100, [630, 674, 1011], '3.0', 'avc1.64001e'),
    ]);
  });

  it('keeps NTSC rates exact (59.94 → 29.97) with GOPs rounded up to a whole segment', () => {
    expect(plan(ntsc720p5994, { segmentSeconds: 2 })).toEqual(
      videoPlan({
        durationS: 9,
        segmentSeconds: 2,
        renditions: [
          r('720p', [1280, 720], [60000, 1001, 59.94], 120, [3900, 4173, 6260], '3.2', 'avc1.640020'),
          r('480p', [854, 480], [30000, 1001, 29.97], 60, [1200, 1284, 1926], '3.1', 'avc1.64001f'),
          r('360p', [640, 360], [30000, 1001, 29.97], 60, [690, 738, 1107], '3.0', 'avc1.64001e'),
        ],
      }),
    );
  });

  it('encodes variable frame rate at the next standard constant rate', () => {
    expect(plan(vfr720p)).toEqual(
      videoPlan({
        renditions: [
          r('720p', [1280, 720], [24, 1, 24], 96, [2500, 2675, 4013], '3.1', 'avc1.64001f'),
          r('480p', [854, 480], [24, 1, 24], 96, [1100, 1177, 1766], '3.0', 'avc1.64001e'),
          r('360p', [640, 360], [24, 1, 24], 96, [620, 663, 995], '3.0', 'avc1.64001e'),
        ],
        notes: ['Variable frame rate source (average 21.176 fps) encoded at a constant 24 fps.'],
      }),
    );
  });

  it('assumes 30 fps when the rate is unknown', () => {
    const unknown = { ...hd720p30, streams: [{ ...hd720p30.streams[0], avg_frame_rate: '0/0', r_frame_rate: '0/0' }, hd720p30.streams[1]] };
    expect(plan(unknown)).toEqual(videoPlan({ renditions: [R720, R480, R360], notes: ['Source frame rate unknown: encoded at 30 fps.'] }));
  });
});

describe('planLadder: colour', () => {
  it('converts 10-bit SDR to 8-bit without tone mapping', () => {
    expect(plan(tenBit720p)).toEqual(
      videoPlan({ renditions: [R720, R480, R360], notes: ['Pixel format yuv420p10le converted to 8-bit yuv420p.'] }),
    );
  });

  it('tone-maps PQ and HLG when zscale is available', () => {
    expect(plan(hdrPq720p)).toEqual(
      videoPlan({
        video: { streamIndex: 0, toneMap: 'pq' },
        renditions: [R720, R480, R360],
        notes: ['HDR (PQ) tone-mapped to SDR BT.709.', 'Pixel format yuv420p10le converted to 8-bit yuv420p.'],
      }),
    );
    expect(plan(hdrHlg720p)).toMatchObject({ video: { streamIndex: 0, toneMap: 'hlg' } });
  });

  it('says so when HDR cannot be tone-mapped', () => {
    expect(plan(hdrPq720p, {}, false)).toEqual(
      videoPlan({
        renditions: [R720, R480, R360],
        notes: [
          'HDR (PQ) converted without tone mapping (zscale unavailable): colours will look flat.',
          'Pixel format yuv420p10le converted to 8-bit yuv420p.',
        ],
      }),
    );
  });
});

describe('planLadder: bitrate', () => {
  it('caps every rung at 110 % of a low source bitrate, never below the floor', () => {
    const lowBitrate = { ...landscape1080p30, streams: [{ ...landscape1080p30.streams[0], bit_rate: '1000000' }, landscape1080p30.streams[1]] };
    expect(plan(lowBitrate).renditions.map((x) => [x.name, x.videoBitrateKbps, x.maxrateKbps, x.bufsizeKbps])).toEqual([
      ['1080p', 1100, 1177, 1766],
      ['720p', 1100, 1177, 1766],
      ['480p', 1100, 1177, 1766],
      ['360p', 690, 738, 1107],
    ]);
    const starved = { ...landscape1080p30, streams: [{ ...landscape1080p30.streams[0], bit_rate: '50000' }, landscape1080p30.streams[1]] };
    expect(plan(starved).renditions.map((x) => x.videoBitrateKbps)).toEqual([200, 200, 200, 200]);
    expect(plan(starved).notes).toEqual(["Video bitrates capped at 110 % of the source's H.264-equivalent 50 kbps."]);
  });

  it('counts HEVC bits as worth 1.5 H.264 bits when capping', () => {
    const lowHevc = { ...hdrPq720p, streams: [{ ...hdrPq720p.streams[0], bit_rate: '1000000' }, hdrPq720p.streams[1]] };
    expect(plan(lowHevc).renditions.map((x) => x.videoBitrateKbps)).toEqual([1600, 1200, 690]);
  });

  it('uses the container bitrate minus audio when the stream has none', () => {
    const noStreamBitrate = {
      ...landscape1080p30,
      streams: [{ ...landscape1080p30.streams[0], bit_rate: undefined }, landscape1080p30.streams[1]],
      format: { ...landscape1080p30.format, bit_rate: '2127921' },
    };
    expect(plan(noStreamBitrate).renditions.map((x) => x.videoBitrateKbps)).toEqual([2200, 2200, 1200, 690]);
  });

  it('uses explicit rung bitrates as given', () => {
    const rungs = [{ height: 720, videoBitrateKbps: 3500 }, { height: 360, videoBitrateKbps: 500 }];
    expect(plan(landscape1080p30, { rungs }).renditions).toEqual([
      r('720p', [1280, 720], [30, 1, 30], 120, [3500, 3745, 5618], '3.1', 'avc1.64001f'),
      r('360p', [640, 360], [30, 1, 30], 120, [500, 535, 803], '3.0', 'avc1.64001e'),
    ]);
  });
});

describe('planLadder: options', () => {
  it('keeps the tallest rungs when maxRungs is set', () => {
    expect(plan(landscape1080p30, { maxRungs: 2 }).renditions).toEqual([R1080, R720]);
  });

  it('sorts rungs given in any order', () => {
    expect(plan(hd720p30, { rungs: [{ height: 360 }, { height: 720 }] }).renditions).toEqual([R720, R360]);
  });

  it('sizes GOPs to the segment length and carries preset and audio bitrate', () => {
    const custom = plan(landscape1080p30, { segmentSeconds: 6, preset: 'fast', audioBitrateKbps: 96, rungs: [{ height: 720 }] });
    expect(custom).toEqual(
      videoPlan({ segmentSeconds: 6, preset: 'fast', renditions: [{ ...R720, gop: 180 }], audio: { ...AUDIO, bitrateKbps: 96 } }),
    );
  });

  it('leaves audio out when includeAudio is false', () => {
    expect(plan(hd720p30, { includeAudio: false })).toEqual(
      videoPlan({ renditions: [R720, R480, R360], audio: null, notes: ['Audio left out (includeAudio is false).'] }),
    );
  });
});

describe('planLadder: audio', () => {
  it('downmixes 5.1 to one shared stereo AAC rendition', () => {
    expect(plan(surround51)).toEqual(videoPlan({ renditions: [R720, R480, R360], notes: ['5.1 audio downmixed to stereo.'] }));
  });

  it('uses only the default audio stream of several', () => {
    expect(plan(multiAudio)).toEqual(
      videoPlan({
        durationS: 6.021,
        renditions: [R720, R480, R360],
        audio: { ...AUDIO, streamIndex: 2 },
        notes: ['2 audio streams: only stream #2 (fra) is used.'],
      }),
    );
  });

  it('uses the first audio stream when none is flagged default', () => {
    const info: MediaInfo = parseProbe(multiAudio);
    const unflagged = { ...info, audio: info.audio.map((stream) => ({ ...stream, isDefault: false })) };
    expect(planLadder(unflagged).audio).toEqual({ ...AUDIO, streamIndex: 1 });
  });

  it('plans no audio group for a silent video', () => {
    expect(plan(noAudio)).toEqual(videoPlan({ renditions: [R720, R480, R360], audio: null }));
  });

  it('plans one AAC rendition and no video for audio-only input', () => {
    const expected: TranscodePlan = {
      durationS: 6.034286,
      segmentSeconds: 4,
      preset: 'veryfast',
      hasVideo: false,
      video: null,
      renditions: [],
      audio: { ...AUDIO, streamIndex: 0 },
      notes: ['Audio-only input: one AAC rendition, no video variants.'],
    };
    expect(plan(mp3WithCover)).toEqual(expected);
    expect(plan(m4aAudioOnly)).toEqual({ ...expected, durationS: 6 });
  });

  it('refuses audio-only input with audio disabled', () => {
    expect(() => plan(m4aAudioOnly, { includeAudio: false })).toThrow(UnsupportedInputError);
  });
});

describe('TranscodePlanSchema', () => {
  it('accepts every plan the planner makes (plans can travel as JSON)', () => {
    for (const fixture of [landscape1080p30, tiny240p, hdrPq720p, mp3WithCover, noAudio]) {
      const made = plan(fixture);
      expect(TranscodePlanSchema.parse(JSON.parse(JSON.stringify(made)))).toEqual(made);
    }
  });

  it('rejects an audio-only plan without audio and odd rendition sizes', () => {
    const audioOnly = { ...plan(m4aAudioOnly), audio: null };
    expect(TranscodePlanSchema.safeParse(audioOnly).success).toBe(false);
    const odd = videoPlan({ renditions: [{ ...R720, width: 1281 }] });
    expect(TranscodePlanSchema.safeParse(odd).success).toBe(false);
  });
});
