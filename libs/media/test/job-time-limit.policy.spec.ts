import { describe, expect, it } from '@jest/globals';
import { jobTimeLimitMs } from '../src/index.js';

describe('jobTimeLimitMs', () => {
  it('is the floor plus factor × duration, in milliseconds', () => {
    expect(jobTimeLimitMs(60, { factor: 10, floorS: 300 })).toBe(900_000);
    expect(jobTimeLimitMs(43_200, { factor: 10, floorS: 300 })).toBe(432_300_000);
  });

  it('rounds up to a whole millisecond and never goes below the floor', () => {
    expect(jobTimeLimitMs(2.0004, { factor: 0.5, floorS: 1 })).toBe(2_001);
    expect(jobTimeLimitMs(0, { factor: 10, floorS: 300 })).toBe(300_000);
    expect(jobTimeLimitMs(-5, { factor: 10, floorS: 300 })).toBe(300_000);
  });
});
