/** 100 is reserved for "done", which only the worker declares once every file is stored. */
export const MAX_RUNNING_PERCENT = 99.9;

/**
 * Percent done from ffmpeg's `out_time_us` progress key and the input duration, to one decimal,
 * clamped to 0..99.9. ffmpeg reports negative or N/A times at the start; those count as 0.
 */
export function progressPercent(outTimeUs: number, durationS: number): number {
  if (!Number.isFinite(outTimeUs) || !(durationS > 0)) return 0;
  // The epsilon keeps 0.123 from flooring to 12.2 through floating-point error.
  const percent = Math.floor((outTimeUs / 1e6 / durationS) * 1000 + 1e-9) / 10;
  return Math.min(MAX_RUNNING_PERCENT, Math.max(0, percent));
}

export interface EtaInput {
  percent: number;
  elapsedMs: number;
}

/**
 * Milliseconds left, assuming the rate so far holds (encoding speed is steady for a single pass).
 * null while nothing is done yet, when no estimate is possible.
 */
export function estimateEta({ percent, elapsedMs }: EtaInput): number | null {
  if (!(percent > 0) || !(elapsedMs >= 0)) return null;
  if (percent >= 100) return 0;
  return Math.round((elapsedMs * (100 - percent)) / percent);
}
