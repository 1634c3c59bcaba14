import { describe, expect, it } from '@jest/globals';
import { estimateEta, progressPercent } from '../src/index.js';

describe('progressPercent', () => {
  it('turns out_time_us into a percentage with one decimal, rounded down', () => {
    expect(progressPercent(3_000_000, 6)).toBe(50);
    expect(progressPercent(2_500_000, 6)).toBe(41.6);
    expect(progressPercent(738_000, 6)).toBe(12.3);
  });

  it('clamps to 0..99.9: 100 is only set by the worker on completion', () => {
    expect(progressPercent(6_016_000, 6)).toBe(99.9);
    expect(progressPercent(5_999_999, 6)).toBe(99.9);
    expect(progressPercent(-23_220, 6)).toBe(0);
  });

  it('answers 0 for unusable inputs (N/A parsed as NaN, zero duration)', () => {
    expect(progressPercent(Number.NaN, 6)).toBe(0);
    expect(progressPercent(1_000_000, 0)).toBe(0);
    expect(progressPercent(1_000_000, Number.NaN)).toBe(0);
  });
});

describe('estimateEta', () => {
  it('extrapolates the time left from the rate so far', () => {
    expect(estimateEta({ percent: 25, elapsedMs: 10_000 })).toBe(30_000);
    expect(estimateEta({ percent: 99.9, elapsedMs: 9_990 })).toBe(10);
    expect(estimateEta({ percent: 100, elapsedMs: 5_000 })).toBe(0);
  });

  it('has no estimate before any progress', () => {
    expect(estimateEta({ percent: 0, elapsedMs: 1_000 })).toBeNull();
    expect(estimateEta({ percent: Number.NaN, elapsedMs: 1_000 })).toBeNull();
    expect(estimateEta({ percent: 10, elapsedMs: -1 })).toBeNull();
  });
});
