import type { Rational } from './media-info.schema.js';

/** A stretch of the input's timeline, in seconds from its start: [startS, endS), or to the end of the input when endS is null. */
export interface TimeWindow {
  startS: number;
  endS: number | null;
}

/** ceil(seconds × rate) in integers: the first frame of a `rate` grid at or after `seconds`, with no floating-point rounding at the edge. */
export function firstFrameAtOrAfter(seconds: number, rate: Rational): number {
  if (!Number.isInteger(seconds) || seconds < 0) throw new RangeError(`a window edge must be a whole number of seconds (got ${seconds})`);
  const product = seconds * rate.num;
  const remainder = product % rate.den;
  return (product - remainder) / rate.den + (remainder === 0 ? 0 : 1);
}

/**
 * `fps=<rate>` for a window: the filter, then the trim to the window's frames. A window from 0 (the
 * first chunk) also fills the grid from 0 with the first frame (start_time=0) when the video starts a
 * little after the audio, as the single pass's `-fps_mode cfr` does; a later chunk needs no filling.
 */
export function fpsInWindow(fps: string, window: TimeWindow, rate: Rational): string[] {
  return [window.startS === 0 ? `${fps}:start_time=0` : fps, trimToWindow(window, rate)];
}

/**
 * Keeps the frames of a constant-rate stream (after `fps`, whose time base is 1/rate, so a frame's
 * pts is its index on the grid) that fall in the window. Comparing whole pts values rather than
 * seconds keeps a 29.97 fps frame at 4.004 s in the chunk from 4 s on and out of the one before.
 */
export function trimToWindow(window: TimeWindow, rate: Rational): string {
  const start = `trim=start_pts=${firstFrameAtOrAfter(window.startS, rate)}`;
  return window.endS === null ? start : `${start}:end_pts=${firstFrameAtOrAfter(window.endS, rate)}`;
}
