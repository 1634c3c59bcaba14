import { describe, expect, it } from '@jest/globals';
import {
  type AudioStreamInfo,
  InvalidMediaError,
  type MediaInfo,
  parseProbe,
  UnsupportedInputError,
  type VideoStreamInfo,
} from '../src/index.js';
import { m4aAudioOnly, mp3WithCover, multiAudio, noAudio, surround51 } from './fixtures/ffprobe-audio.fixtures.js';
import { hdrHlg720p, hdrPq720p, tenBit720p } from './fixtures/ffprobe-color.fixtures.js';
import { full1080p50, hd720p60, ntsc720p5994, vfr720p } from './fixtures/ffprobe-motion.fixtures.js';
import { anamorphic1440x1080, odd853x479, portrait1080x1920, rotated90, ultrawide2560x1080 } from './fixtures/ffprobe-shape.fixtures.js';
import { hd720p30, landscape1080p30, sd360p30, tiny240p, uhd4k30 } from './fixtures/ffprobe-size.fixtures.js';

const MP4 = 'mov,mp4,m4a,3gp,3g2,mj2';

function h264(overrides: Partial<VideoStreamInfo>): VideoStreamInfo {
  return {
    index: 0,
    codec: 'h264',
    width: 1280,
    height: 720,
    sampleAspectRatio: { num: 1, den: 1 },
    rotation: 0,
    displayWidth: 1280,
    displayHeight: 720,
    pixelFormat: 'yuv420p',
    bitDepth: 8,
    colorTransfer: null,
    hdr: null,
    frameRate: { num: 30, den: 1 },
    isVfr: false,
    bitrateBps: null,
    ...overrides,
  };
}

function aac(overrides: Partial<AudioStreamInfo>): AudioStreamInfo {
  return {
    index: 1,
    codec: 'aac',
    channels: 2,
    channelLayout: 'stereo',
    sampleRate: 48000,
    bitrateBps: 127921,
    language: null,
    isDefault: true,
    ...overrides,
  };
}

function info(overrides: Partial<MediaInfo>): MediaInfo {
  return { formatName: MP4, durationS: 6, bitrateBps: null, sizeBytes: null, streamCount: 2, video: null, audio: [], ...overrides };
}

/** A copy of a fixture with its streams and format patched, for cases no real clip shows. */
function patched(
  fixture: typeof landscape1080p30,
  streamPatches: Array<Record<string, unknown> | null>,
  formatPatch: Record<string, unknown> = {},
): unknown {
  return {
    streams: fixture.streams.map((stream, i) => ({ ...stream, ...streamPatches[i] })),
    format: { ...fixture.format, ...formatPatch },
  };
}

describe('parseProbe on real ffprobe output', () => {
  it('reads a 1080p30 stereo MP4', () => {
    expect(parseProbe(landscape1080p30)).toEqual(
      info({
        bitrateBps: 15647053,
        sizeBytes: 11735290,
        video: h264({ width: 1920, height: 1080, displayWidth: 1920, displayHeight: 1080, bitrateBps: 15509885 }),
        audio: [aac({})],
      }),
    );
  });

  it.each([
    ['4K', uhd4k30, 3840, 2160, 2, 60854840, 60996748, 15249187, aac({ bitrateBps: 127974 })],
    ['720p (44.1 kHz audio)', hd720p30, 1280, 720, 6, 7450569, 7587661, 5690746, aac({ sampleRate: 44100, bitrateBps: 127930 })],
    ['360p', sd360p30, 640, 360, 6, 1937197, 2074365, 1555774, aac({})],
    ['ultra-wide', ultrawide2560x1080, 2560, 1080, 2, 20469268, 20611180, 5152795, aac({ bitrateBps: 127974 })],
    ['portrait', portrait1080x1920, 1080, 1920, 6, 15668793, 15805961, 11854471, aac({})],
  ])('reads a %s MP4 with square pixels', (_name, fixture, width, height, durationS, videoBps, formatBps, size, audio) => {
    expect(parseProbe(fixture)).toEqual(
      info({
        durationS,
        bitrateBps: formatBps,
        sizeBytes: size,
        video: h264({ width, height, displayWidth: width, displayHeight: height, bitrateBps: videoBps }),
        audio: [audio],
      }),
    );
  });

  it('applies a near-square SAR (640:639) left behind by a scaler to the display width', () => {
    expect(parseProbe(tiny240p)).toEqual(
      info({
        bitrateBps: 898920,
        sizeBytes: 674190,
        video: h264({
          width: 426,
          height: 240,
          sampleAspectRatio: { num: 640, den: 639 },
          displayWidth: 427,
          displayHeight: 240,
          bitrateBps: 820462,
        }),
        audio: [aac({ channels: 1, channelLayout: 'mono', bitrateBps: 69415 })],
      }),
    );
  });

  it('reads an odd-sized VP9 WebM without per-stream bitrates', () => {
    expect(parseProbe(odd853x479)).toEqual({
      formatName: 'matroska,webm',
      durationS: 6.008,
      bitrateBps: 985613,
      sizeBytes: 740196,
      streamCount: 2,
      video: h264({
        codec: 'vp9',
        width: 853,
        height: 479,
        sampleAspectRatio: { num: 852, den: 853 },
        displayWidth: 852,
        displayHeight: 479,
      }),
      audio: [aac({ codec: 'opus', channels: 1, channelLayout: 'mono', bitrateBps: null, isDefault: false })],
    });
  });

  it('swaps display width and height for a Display Matrix rotation of 90°', () => {
    expect(parseProbe(rotated90).video).toEqual(
      h264({ width: 1920, height: 1080, rotation: 270, displayWidth: 1080, displayHeight: 1920, bitrateBps: 15509885 }),
    );
  });

  it('stretches anamorphic pixels (1440x1080, SAR 4:3) to a 1920x1080 display size', () => {
    expect(parseProbe(anamorphic1440x1080).video).toEqual(
      h264({
        width: 1440,
        height: 1080,
        sampleAspectRatio: { num: 4, den: 3 },
        displayWidth: 1920,
        displayHeight: 1080,
        frameRate: { num: 25, den: 1 },
        bitrateBps: 10834457,
      }),
    );
  });

  it.each([
    ['60 fps', hd720p60, { num: 60, den: 1 }, 1280, 12839358],
    ['50 fps', full1080p50, { num: 50, den: 1 }, 1920, 23186940],
    ['59.94 fps', ntsc720p5994, { num: 60000, den: 1001 }, 1280, 12868544],
  ])('keeps the exact %s rate', (_name, fixture, frameRate, width, bitrateBps) => {
    const height = width === 1920 ? 1080 : 720;
    expect(parseProbe(fixture).video).toEqual(h264({ width, height, displayWidth: width, displayHeight: height, frameRate, bitrateBps }));
  });

  it('flags variable frame rate when avg_frame_rate (360/17) is far from r_frame_rate (30)', () => {
    expect(parseProbe(vfr720p).video).toEqual(h264({ frameRate: { num: 360, den: 17 }, isVfr: true, bitrateBps: 5368658 }));
  });

  it('reads 10-bit SDR, PQ and HLG sources', () => {
    expect([parseProbe(tenBit720p).video, parseProbe(hdrPq720p).video, parseProbe(hdrHlg720p).video]).toEqual([
      h264({ pixelFormat: 'yuv420p10le', bitDepth: 10, bitrateBps: 7434228 }),
      h264({ codec: 'hevc', pixelFormat: 'yuv420p10le', bitDepth: 10, colorTransfer: 'smpte2084', hdr: 'pq', bitrateBps: 1718877 }),
      h264({ codec: 'hevc', pixelFormat: 'yuv420p10le', bitDepth: 10, colorTransfer: 'arib-std-b67', hdr: 'hlg', bitrateBps: 1718890 }),
    ]);
  });

  it('lists 5.1 audio with its layout', () => {
    expect(parseProbe(surround51).audio).toEqual([aac({ channels: 6, channelLayout: '5.1', bitrateBps: 383621 })]);
  });

  it('lists every audio stream of a Matroska file with languages and the default flag; duration from the container', () => {
    expect(parseProbe(multiAudio)).toEqual({
      formatName: 'matroska,webm',
      durationS: 6.021,
      bitrateBps: 7688927,
      sizeBytes: 5786879,
      streamCount: 3,
      video: h264({}),
      audio: [
        aac({ index: 1, bitrateBps: null, language: 'eng', isDefault: false }),
        aac({ index: 2, bitrateBps: null, language: 'fra', isDefault: true }),
      ],
    });
  });

  it('reads a video without audio', () => {
    expect(parseProbe(noAudio)).toEqual(info({ bitrateBps: 7452738, sizeBytes: 5589554, streamCount: 1, video: h264({ bitrateBps: 7450569 }) }));
  });

  it('ignores the cover art of an MP3 (attached_pic) and treats it as audio-only', () => {
    expect(parseProbe(mp3WithCover)).toEqual({
      formatName: 'mp3',
      durationS: 6.034286,
      bitrateBps: 219052,
      sizeBytes: 165228,
      streamCount: 2,
      video: null,
      audio: [aac({ index: 0, codec: 'mp3', channels: 1, channelLayout: 'mono', sampleRate: 44100, bitrateBps: 192000, isDefault: false })],
    });
  });

  it('reads an M4A without video', () => {
    expect(parseProbe(m4aAudioOnly)).toEqual(info({ bitrateBps: 130961, sizeBytes: 98221, streamCount: 1, audio: [aac({ index: 0 })] }));
  });
});

describe('parseProbe edge cases', () => {
  it('prefers the legacy clockwise rotate tag and normalises it', () => {
    const rotatedByTag = patched(landscape1080p30, [{ tags: { rotate: '-90' } }]);
    expect(parseProbe(rotatedByTag).video).toMatchObject({ rotation: 270, displayWidth: 1080, displayHeight: 1920 });
    const upsideDown = patched(landscape1080p30, [{ tags: { rotate: '180' } }]);
    expect(parseProbe(upsideDown).video).toMatchObject({ rotation: 180, displayWidth: 1920, displayHeight: 1080 });
  });

  it('treats an angle that is not a quarter turn as no size change', () => {
    const tilted = patched(landscape1080p30, [{ side_data_list: [{ side_data_type: 'Display Matrix', rotation: 45 }] }]);
    expect(parseProbe(tilted).video).toMatchObject({ rotation: 0, displayWidth: 1920, displayHeight: 1080 });
  });

  it('takes the exact base rate when the average is only a little off (90 frames of a fragmented MP4 whose video starts 21 ms late)', () => {
    const lateStart = patched(landscape1080p30, [{ avg_frame_rate: '172800/5801', r_frame_rate: '30/1' }]);
    expect(parseProbe(lateStart).video).toMatchObject({ frameRate: { num: 30, den: 1 }, isVfr: false });
  });

  it('counts a time-base-sized r_frame_rate (browser recordings) as variable, at the average rate', () => {
    const chromiumFmp4 = patched(landscape1080p30, [{ avg_frame_rate: '180000/6853', r_frame_rate: '30000/1' }]);
    expect(parseProbe(chromiumFmp4).video).toMatchObject({ frameRate: { num: 180000, den: 6853 }, isVfr: true });
  });

  it('falls back to r_frame_rate, and to unknown for 0/0', () => {
    const rOnly = patched(landscape1080p30, [{ avg_frame_rate: '0/0', r_frame_rate: '30000/1001' }]);
    expect(parseProbe(rOnly).video).toMatchObject({ frameRate: { num: 30000, den: 1001 }, isVfr: false });
    const unknown = patched(landscape1080p30, [{ avg_frame_rate: '0/0', r_frame_rate: '0/0' }]);
    expect(parseProbe(unknown).video).toMatchObject({ frameRate: null, isVfr: false });
    const absurd = patched(landscape1080p30, [{ avg_frame_rate: '90000/1', r_frame_rate: '90000/1' }]);
    expect(parseProbe(absurd).video).toMatchObject({ frameRate: null });
  });

  it('falls back to the longest stream duration, then to Matroska DURATION tags', () => {
    const noFormatDuration = patched(landscape1080p30, [{ duration: '5.9' }, { duration: '6.02' }], { duration: 'N/A' });
    expect(parseProbe(noFormatDuration).durationS).toBe(6.02);
    const tagged = patched(landscape1080p30, [{ duration: undefined, tags: { DURATION: '00:01:02.500000000' } }, { duration: undefined }], {
      duration: undefined,
    });
    expect(parseProbe(tagged).durationS).toBe(62.5);
  });

  it('takes the video bitrate from the Matroska BPS tag when bit_rate is absent', () => {
    const tagged = patched(landscape1080p30, [{ bit_rate: undefined, tags: { BPS: '4000000' } }]);
    expect(parseProbe(tagged).video?.bitrateBps).toBe(4000000);
  });

  it('reads bit depth from other pixel formats', () => {
    const depths = ['yuv422p12le', 'p010le', 'yuvj420p', 'nv12', 'rgb48le', 'gray10be'].map(
      (pix_fmt) => parseProbe(patched(landscape1080p30, [{ pix_fmt }])).video?.bitDepth,
    );
    expect(depths).toEqual([12, 10, 8, 8, 8, 10]);
  });

  it('skips a cover picture in a video file and picks the default video stream', () => {
    const cover = { index: 2, codec_type: 'video', codec_name: 'png', width: 600, height: 600, disposition: { default: 0, attached_pic: 1 } };
    const second = { ...landscape1080p30.streams[0], index: 3, width: 640, height: 360, disposition: { default: 0 } };
    const raw = { ...landscape1080p30, streams: [cover, ...landscape1080p30.streams.slice(1), second, { ...landscape1080p30.streams[0], index: 4 }] };
    expect(parseProbe(raw).video).toMatchObject({ index: 4, width: 1920 });
  });

  it('treats a single-frame mjpeg stream without the attached_pic flag as a picture, but keeps motion JPEG video', () => {
    const picture = { index: 1, codec_type: 'video', codec_name: 'mjpeg', width: 300, height: 300, nb_frames: '1' };
    const withPicture = { ...m4aAudioOnly, streams: [...m4aAudioOnly.streams, picture] };
    expect(parseProbe(withPicture).video).toBeNull();
    const motionJpeg = patched(landscape1080p30, [{ codec_name: 'mjpeg', pix_fmt: 'yuvj422p' }]);
    expect(parseProbe(motionJpeg).video).toMatchObject({ codec: 'mjpeg', width: 1920 });
  });
});

describe('parseProbe rejects what is not playable', () => {
  const invalid: Array<[string, unknown, string]> = [
    ['not an object', 'garbage', 'unreadable probe output'],
    ['a wrongly typed field', { streams: 'none' }, 'unreadable probe output'],
    ['no streams at all', { streams: [], format: { duration: '6' } }, 'the file contains no streams'],
    ['streams missing entirely', { format: { duration: '6' } }, 'the file contains no streams'],
    ['only a data stream', { streams: [{ index: 0, codec_type: 'data' }], format: { duration: '6' } }, 'the file has neither a video nor an audio stream'],
    ['no duration', patched(landscape1080p30, [{ duration: 'N/A' }, { duration: 'N/A' }], { duration: 'N/A' }), 'the duration is missing or zero'],
    ['zero duration', patched(landscape1080p30, [{ duration: '0' }, { duration: '0' }], { duration: '0.000000' }), 'the duration is missing or zero'],
    ['a NaN duration', patched(landscape1080p30, [{ duration: 'nan' }, { duration: 'nan' }], { duration: 'nan' }), 'the duration is missing or zero'],
    ['a zero width', patched(landscape1080p30, [{ width: 0 }]), 'video stream #0 has no picture size'],
    ['a missing height', patched(landscape1080p30, [{ height: undefined }]), 'video stream #0 has no picture size'],
  ];

  it.each(invalid)('throws InvalidMediaError for %s', (_name, raw, reason) => {
    const attempt = (): unknown => parseProbe(raw);
    expect(attempt).toThrow(InvalidMediaError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'invalid_media', reason: expect.stringContaining(reason) }));
  });

  it('throws UnsupportedInputError for a still image', () => {
    const png = { streams: [{ index: 0, codec_type: 'video', codec_name: 'png', width: 800, height: 600, nb_frames: '1' }], format: { format_name: 'png_pipe' } };
    expect(() => parseProbe(png)).toThrow(UnsupportedInputError);
    expect(() => parseProbe(png)).toThrow(expect.objectContaining({ code: 'unsupported_input', name: 'UnsupportedInputError' }));
  });
});
