import { describe, expect, it } from '@jest/globals';
import { retryDelayMs, webhookRetrySchedule } from '../src/index.js';

const DEFAULTS = { retryWindowS: 86_400, backoffMs: 5_000, backoffMaxMs: 3_600_000 };
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('webhook retry schedule', () => {
  it('when the defaults are used, then retries span 24 hours exactly, doubling from 5 s, no wait above 1 hour', () => {
    const { attempts, delaysMs } = webhookRetrySchedule(DEFAULTS);
    expect(sum(delaysMs)).toBe(24 * 3_600_000);
    expect(Math.max(...delaysMs)).toBeLessThanOrEqual(3_600_000);
    expect(delaysMs.slice(0, 4)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(attempts).toBe(delaysMs.length + 1);
    expect(attempts).toBe(34);
  });

  it('when the wait would exceed the cap, then it is the cap; the last wait ends on the window', () => {
    expect(webhookRetrySchedule({ retryWindowS: 10, backoffMs: 1_000, backoffMaxMs: 3_000 }).delaysMs).toEqual([1_000, 2_000, 3_000, 3_000, 1_000]);
  });

  it('when the operator caps the attempts, then the schedule stops there, before the window', () => {
    expect(webhookRetrySchedule({ ...DEFAULTS, attempts: 3 })).toEqual({ attempts: 3, delaysMs: [5_000, 10_000] });
    expect(webhookRetrySchedule({ ...DEFAULTS, attempts: 1 })).toEqual({ attempts: 1, delaysMs: [] });
  });

  it('when the window is 0, then the event is sent once', () => {
    expect(webhookRetrySchedule({ ...DEFAULTS, retryWindowS: 0 })).toEqual({ attempts: 1, delaysMs: [] });
  });

  it('when the settings cannot make a schedule, then it says so', () => {
    expect(() => webhookRetrySchedule({ retryWindowS: 60, backoffMs: 0, backoffMaxMs: 10 })).toThrow(RangeError);
    expect(() => webhookRetrySchedule({ retryWindowS: 60, backoffMs: 100, backoffMaxMs: 10 })).toThrow(RangeError);
  });

  it('when BullMQ asks for the wait after try n, then it gets the n-th wait, and the last one past the end', () => {
    const schedule = webhookRetrySchedule({ retryWindowS: 10, backoffMs: 1_000, backoffMaxMs: 3_000 });
    expect([1, 2, 3, 4, 5, 6, 40].map((n) => retryDelayMs(schedule, n))).toEqual([1_000, 2_000, 3_000, 3_000, 1_000, 1_000, 1_000]);
    expect(retryDelayMs({ attempts: 1, delaysMs: [] }, 1)).toBe(0);
  });
});
