// Pure helpers for turning samples into the figures the report prints. No clock, no I/O.
import type { Metric, RatioResult, Target, Unit, Verdict } from './bench.types.js';

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('mean of no values');
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Least-squares slope of y over x (units of y per unit of x); 0 for fewer than two distinct x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) throw new RangeError('slope needs as many x as y values');
  if (xs.length < 2) return 0;
  const mx = mean(xs);
  const my = mean(ys);
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i += 1) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** The values when every one was measured, else null (e.g. CPU times without GNU time). */
export function allMeasured(values: readonly (number | null)[]): number[] | null {
  return values.every((v): v is number => v !== null) ? [...(values as number[])] : null;
}

export function verdict(value: number, target: Target | null): Verdict {
  if (target === null) return 'INFO';
  if (!Number.isFinite(value)) return 'MISS';
  return (target.op === '<=' ? value <= target.value : value >= target.value) ? 'PASS' : 'MISS';
}

export function ratio(label: string, formula: string, numerator: number, denominator: number, target: Target | null): RatioResult {
  const value = denominator === 0 ? Number.NaN : numerator / denominator;
  return { label, formula, value, target, verdict: verdict(value, target) };
}

/** A metric whose value is the median of its samples. */
export function medianMetric(label: string, samples: readonly number[], unit: Unit): Metric {
  return { label, value: median(samples), unit, samples: [...samples] };
}

/** `1.0349` → `1.03×`; not-a-number (a zero denominator) → `n/a`. */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

export function formatTarget(target: Target | null): string {
  if (target === null) return 'none';
  return `${target.op === '<=' ? '≤' : '≥'} ${formatRatio(target.value)}`;
}

const round = (value: number, digits: number): string => value.toFixed(digits);

/** A value with its unit, at a precision that suits the unit and size. */
export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'ms':
      return value >= 10_000 ? `${round(value / 1000, 1)} s` : `${Math.round(value)} ms`;
    case 's':
      return `${round(value, value >= 100 ? 0 : 2)} s`;
    case 'cpu s':
      return `${round(value, 1)} cpu s`;
    case 'MiB':
      return `${round(value, 1)} MiB`;
    case 'KiB/job':
      return `${round(value, 0)} KiB/job`;
    case 'per s':
      return `${round(value, value >= 100 ? 0 : 1)}/s`;
    case 'jobs/min':
      return `${round(value, 1)} jobs/min`;
    case 'count':
      return String(Math.round(value));
    default: {
      const unknown: never = unit;
      throw new Error(`unknown unit ${String(unknown)}`);
    }
  }
}
