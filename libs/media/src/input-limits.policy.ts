import type { MediaInfo } from './media-info.schema.js';
import { InputTooLargeError } from './media.errors.js';
import { rationalToNumber } from './rational.math.js';

/** The largest input an operator accepts (MAX_INPUT_PIXELS, MAX_INPUT_FPS, MAX_INPUT_DURATION_S, MAX_INPUT_STREAMS). */
export interface InputLimits {
  /** Coded width × height of the video stream: what the decoder has to produce per frame. */
  maxPixels: number;
  maxFrameRate: number;
  maxDurationS: number;
  /** Streams of any kind in the file. */
  maxStreams: number;
}

export type InputLimitName = 'pixels' | 'frameRate' | 'durationS' | 'streams';

export interface InputLimitBreach {
  limit: InputLimitName;
  found: number;
  allowed: number;
  /** One sentence a client can read: which limit, the value found and the value allowed. */
  reason: string;
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** Pure: every limit the probed input is above, in a fixed order (pixels, frame rate, duration, streams). */
export function inputLimitBreaches(info: MediaInfo, limits: InputLimits): InputLimitBreach[] {
  const breaches: InputLimitBreach[] = [];
  const video = info.video;
  if (video) {
    const pixels = video.width * video.height;
    if (pixels > limits.maxPixels) {
      breaches.push({
        limit: 'pixels',
        found: pixels,
        allowed: limits.maxPixels,
        reason: `the picture is ${video.width}x${video.height} = ${pixels} pixels per frame, above the limit of ${limits.maxPixels}`,
      });
    }
    const fps = video.frameRate ? round3(rationalToNumber(video.frameRate)) : null;
    if (fps !== null && fps > limits.maxFrameRate) {
      breaches.push({ limit: 'frameRate', found: fps, allowed: limits.maxFrameRate, reason: `the frame rate is ${fps} fps, above the limit of ${limits.maxFrameRate} fps` });
    }
  }
  const durationS = round3(info.durationS);
  if (durationS > limits.maxDurationS) {
    breaches.push({ limit: 'durationS', found: durationS, allowed: limits.maxDurationS, reason: `the duration is ${durationS} s, above the limit of ${limits.maxDurationS} s` });
  }
  if (info.streamCount > limits.maxStreams) {
    breaches.push({
      limit: 'streams',
      found: info.streamCount,
      allowed: limits.maxStreams,
      reason: `the file has ${info.streamCount} streams, above the limit of ${limits.maxStreams}`,
    });
  }
  return breaches;
}

/**
 * @throws InputTooLargeError naming every limit the input is above; `details` carries the first
 * breach's `limit`, `found` and `allowed`, and all of them in `breaches`.
 */
export function assertWithinInputLimits(info: MediaInfo, limits: InputLimits): void {
  const breaches = inputLimitBreaches(info, limits);
  const first = breaches[0];
  if (first === undefined) return;
  const reasons = breaches.map((breach) => breach.reason).join('; ');
  throw new InputTooLargeError(`The input is larger than this installation accepts: ${reasons}.`, {
    limit: first.limit,
    found: first.found,
    allowed: first.allowed,
    breaches: breaches.map(({ limit, found, allowed }) => ({ limit, found, allowed })),
  });
}
