import type { Rational, VideoStreamInfo } from './media-info.schema.js';
import { divideRational, rationalToNumber } from './rational.math.js';

export const DEFAULT_FRAME_RATE: Rational = { num: 30, den: 1 };
/** Constant rates a variable-frame-rate source is resampled to: the first at or above its average. */
const STANDARD_RATES: readonly Rational[] = [24, 25, 30, 50, 60].map((num) => ({ num, den: 1 }));
/** Renditions of 720p and up keep motion up to 60 fps; smaller ones are for weak links and cap at 30. */
const HIGH_FPS_MIN_HEIGHT = 720;
const HIGH_FPS_CAP = 60;
const LOW_FPS_CAP = 30;

export function frameRateCap(nominalHeight: number): number {
  return nominalHeight >= HIGH_FPS_MIN_HEIGHT ? HIGH_FPS_CAP : LOW_FPS_CAP;
}

/**
 * The constant rate the source is encoded at before any per-rendition cap. Unknown → 30. A variable
 * rate source's average (e.g. 360/17 from a phone dropping frames) is an odd number that makes GOPs
 * and segment lengths uneven, so it snaps up to a standard rate.
 */
export function baseFrameRate(video: Pick<VideoStreamInfo, 'frameRate' | 'isVfr'>): Rational {
  if (!video.frameRate) return DEFAULT_FRAME_RATE;
  if (!video.isVfr) return video.frameRate;
  const average = rationalToNumber(video.frameRate);
  return STANDARD_RATES.find((rate) => rationalToNumber(rate) >= average * 0.99) ?? { num: HIGH_FPS_CAP, den: 1 };
}

/**
 * The rendition's frame rate: the base rate, or the base divided by the smallest whole number that
 * brings it under the cap (60 → 30, 50 → 25, 120 → 60). Whole divisors drop frames evenly, so motion
 * stays smooth where a plain cap (50 → 30) would judder.
 */
export function renditionFrameRate(base: Rational, nominalHeight: number): Rational {
  const divisor = Math.max(1, Math.ceil(rationalToNumber(base) / frameRateCap(nominalHeight) - 1e-9));
  return divideRational(base, divisor);
}

/**
 * Frames per GOP: one segment's worth, rounded up. Forced keyframes land on every segment boundary,
 * at most this many frames apart, so x264's own keyframe interval never fires early (29.97 fps × 4 s
 * = 119.88 → 120).
 */
export function gopFrames(frameRate: Rational, segmentSeconds: number): number {
  return Math.max(1, Math.ceil(rationalToNumber(frameRate) * segmentSeconds - 1e-9));
}
