/** How long one attempt may run (JOB_TIMEOUT_FACTOR × the input's duration + JOB_TIMEOUT_FLOOR_S). */
export interface JobTimeLimit {
  /** Seconds of work allowed per second of input. */
  factor: number;
  /** Seconds every attempt gets whatever the duration (probe, uploads, a slow start). */
  floorS: number;
}

/** Pure: the attempt's time limit in milliseconds for an input of `durationS` seconds. */
export function jobTimeLimitMs(durationS: number, limit: JobTimeLimit): number {
  return Math.ceil((limit.floorS + limit.factor * Math.max(0, durationS)) * 1000);
}
