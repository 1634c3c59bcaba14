import { describe, expect, it } from '@jest/globals';
import {
  assertWithinInputLimits,
  InputTooLargeError,
  inputLimitBreaches,
  MediaError,
  type InputLimits,
  type MediaInfo,
  type VideoStreamInfo,
} from '../src/index.js';

const LIMITS: InputLimits = { maxPixels: 7680 * 4320, maxFrameRate: 120, maxDurationS: 43_200, maxStreams: 16 };

function video(overrides: Partial<VideoStreamInfo> = {}): VideoStreamInfo {
  return {
    index: 0,
    codec: 'h264',
    width: 1920,
    height: 1080,
    sampleAspectRatio: { num: 1, den: 1 },
    rotation: 0,
    displayWidth: 1920,
    displayHeight: 1080,
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

function info(overrides: Partial<MediaInfo> = {}): MediaInfo {
  return { formatName: 'mov,mp4,m4a,3gp,3g2,mj2', durationS: 10, bitrateBps: null, sizeBytes: null, streamCount: 2, video: video(), audio: [], ...overrides };
}

describe('inputLimitBreaches', () => {
  it('when every fact is at its limit exactly, then nothing is refused', () => {
    const atLimits = info({
      durationS: 43_200,
      streamCount: 16,
      video: video({ width: 7680, height: 4320, frameRate: { num: 120, den: 1 } }),
    });
    expect(inputLimitBreaches(atLimits, LIMITS)).toEqual([]);
    expect(() => assertWithinInputLimits(atLimits, LIMITS)).not.toThrow();
  });

  it('when the frame has one pixel too many, then pixels is refused with the coded size found', () => {
    expect(inputLimitBreaches(info({ video: video({ width: 8192, height: 8192 }) }), LIMITS)).toEqual([
      { limit: 'pixels', found: 67_108_864, allowed: 33_177_600, reason: 'the picture is 8192x8192 = 67108864 pixels per frame, above the limit of 33177600' },
    ]);
    expect(inputLimitBreaches(info({ video: video({ width: 7681, height: 4320 }) }), LIMITS).map((b) => b.limit)).toEqual(['pixels']);
  });

  it('when the picture is portrait or rotated, then the same pixel count is judged (coded size, not display size)', () => {
    const portrait = video({ width: 4320, height: 7680, displayWidth: 4320, displayHeight: 7680 });
    const rotated = video({ width: 7680, height: 4320, rotation: 90, displayWidth: 4320, displayHeight: 7680 });
    expect(inputLimitBreaches(info({ video: portrait }), LIMITS)).toEqual([]);
    expect(inputLimitBreaches(info({ video: rotated }), LIMITS)).toEqual([]);
  });

  it('when the frame rate is above the limit, then frameRate is refused with the rate rounded to 3 decimals', () => {
    expect(inputLimitBreaches(info({ video: video({ frameRate: { num: 240_000, den: 1001 } }) }), LIMITS)).toEqual([
      { limit: 'frameRate', found: 239.76, allowed: 120, reason: 'the frame rate is 239.76 fps, above the limit of 120 fps' },
    ]);
    expect(inputLimitBreaches(info({ video: video({ frameRate: { num: 120_000, den: 1001 } }) }), LIMITS)).toEqual([]);
  });

  it('when the frame rate is unknown, then it is not refused (the ladder encodes it at 30 fps)', () => {
    expect(inputLimitBreaches(info({ video: video({ frameRate: null }) }), LIMITS)).toEqual([]);
  });

  it('when the duration is above the limit, then durationS is refused', () => {
    expect(inputLimitBreaches(info({ durationS: 46_800.5 }), LIMITS)).toEqual([
      { limit: 'durationS', found: 46_800.5, allowed: 43_200, reason: 'the duration is 46800.5 s, above the limit of 43200 s' },
    ]);
  });

  it('when the file has more streams than allowed, then streams is refused, whatever their kind', () => {
    expect(inputLimitBreaches(info({ streamCount: 17 }), LIMITS)).toEqual([
      { limit: 'streams', found: 17, allowed: 16, reason: 'the file has 17 streams, above the limit of 16' },
    ]);
  });

  it('when the input is audio only, then only duration and streams apply', () => {
    expect(inputLimitBreaches(info({ video: null, durationS: 50_000, streamCount: 20 }), LIMITS).map((b) => b.limit)).toEqual(['durationS', 'streams']);
  });

  it('when several limits are broken, then all are listed in a fixed order', () => {
    const everything = info({ durationS: 50_000, streamCount: 64, video: video({ width: 8192, height: 8192, frameRate: { num: 240, den: 1 } }) });
    expect(inputLimitBreaches(everything, LIMITS).map((b) => b.limit)).toEqual(['pixels', 'frameRate', 'durationS', 'streams']);
  });
});

describe('assertWithinInputLimits', () => {
  it('when a limit is broken, then it throws input_too_large (bad media: not retried) naming the limit and the value found', () => {
    const huge = info({ durationS: 50_000, video: video({ width: 8192, height: 8192 }) });
    let thrown: unknown;
    try {
      assertWithinInputLimits(huge, LIMITS);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InputTooLargeError);
    expect(thrown).toBeInstanceOf(MediaError);
    const error = thrown as InputTooLargeError;
    expect(error.code).toBe('input_too_large');
    expect(error.message).toBe(
      'The input is larger than this installation accepts: the picture is 8192x8192 = 67108864 pixels per frame, above the limit of 33177600; the duration is 50000 s, above the limit of 43200 s.',
    );
    expect(error.details).toEqual({
      limit: 'pixels',
      found: 67_108_864,
      allowed: 33_177_600,
      breaches: [
        { limit: 'pixels', found: 67_108_864, allowed: 33_177_600 },
        { limit: 'durationS', found: 50_000, allowed: 43_200 },
      ],
    });
  });
});
