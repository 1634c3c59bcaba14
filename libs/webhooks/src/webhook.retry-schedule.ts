/** Operator settings that shape how long and how often a delivery is retried (named as in `config.webhooks`). */
export interface RetryScheduleSettings {
  /** How long after the first attempt retries may still be made (WEBHOOK_RETRY_WINDOW_S, default 24 h). */
  retryWindowS: number;
  /** Wait before the first retry; each further wait doubles (WEBHOOK_BACKOFF_MS). */
  backoffMs: number;
  /** No single wait is longer than this (WEBHOOK_BACKOFF_MAX_MS). */
  backoffMaxMs: number;
  /** At most this many attempts in all, when the operator shortens the schedule (WEBHOOK_ATTEMPTS). */
  attempts?: number | undefined;
}

export interface RetrySchedule {
  /** Attempts in all: the first one plus one per delay. */
  attempts: number;
  /** Wait before retry n+1 (delaysMs[0] follows the first attempt). */
  delaysMs: number[];
}

/**
 * Pure: the waits between attempts. Exponential from `backoffMs`, each capped at `backoffMaxMs`, until the
 * waits add up to the window (the last one is shortened to end exactly there), so with the defaults a
 * receiver that is down for a day still gets the event (Mux retries for 24 hours too).
 */
export function webhookRetrySchedule({ retryWindowS, backoffMs, backoffMaxMs, attempts }: RetryScheduleSettings): RetrySchedule {
  if (!(backoffMs > 0) || !(backoffMaxMs >= backoffMs) || !(retryWindowS >= 0)) {
    throw new RangeError(`a retry schedule needs 0 < backoffMs <= backoffMaxMs and retryWindowS >= 0 (got ${backoffMs}, ${backoffMaxMs}, ${retryWindowS})`);
  }
  const delaysMs: number[] = [];
  let remaining = retryWindowS * 1000;
  const maxDelays = attempts === undefined ? Number.POSITIVE_INFINITY : Math.max(0, attempts - 1);
  while (remaining > 0 && delaysMs.length < maxDelays) {
    const step = Math.min(backoffMs * 2 ** delaysMs.length, backoffMaxMs, remaining);
    delaysMs.push(step);
    remaining -= step;
  }
  return { attempts: delaysMs.length + 1, delaysMs };
}

/**
 * The wait BullMQ applies after a failed try, as a custom backoff strategy: `attemptsMade` counts the
 * tries made so far (1 after the first). Past the end of the schedule (a redelivery or a queue job put
 * back by the reconciler starts its own count) the last wait repeats.
 */
export function retryDelayMs(schedule: RetrySchedule, attemptsMade: number): number {
  if (schedule.delaysMs.length === 0) return 0;
  const index = Math.min(Math.max(attemptsMade, 1), schedule.delaysMs.length) - 1;
  return schedule.delaysMs[index]!;
}
