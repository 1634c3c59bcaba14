import { describe, expect, it } from '@jest/globals';
import { parseBenchArgs } from '../bench/bench.args.js';
import { parseChildCpuSeconds } from '../bench/cpu.meter.js';
import { allMeasured, formatRatio, formatTarget, formatValue, median, ratio, slope, verdict } from '../bench/bench.stats.js';
import { parseProcStatus } from '../bench/proc.reader.js';
import { parseGnuTime } from '../bench/timed.process.js';

describe('bench stats', () => {
  it('when there is an odd number of samples, then the median is the middle one whatever the order', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([42])).toBe(42);
  });

  it('when there is an even number of samples, then the median is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('when there are no samples, then median refuses', () => {
    expect(() => median([])).toThrow(RangeError);
  });

  it('when points lie on a line, then slope is its gradient; with one point it is 0', () => {
    expect(slope([1, 2, 3, 4], [10, 12, 14, 16])).toBeCloseTo(2);
    expect(slope([1], [5])).toBe(0);
  });

  it('when one value of a series is missing, then the series counts as not measured', () => {
    expect(allMeasured([1.5, 2])).toEqual([1.5, 2]);
    expect(allMeasured([1.5, null])).toBeNull();
  });

  it('when a ratio is formatted, then it has two decimals and a times sign; a zero denominator is n/a', () => {
    expect(formatRatio(1.0349)).toBe('1.03×');
    expect(formatRatio(0.5)).toBe('0.50×');
    expect(formatRatio(ratio('x', 'a / b', 1, 0, null).value)).toBe('n/a');
  });

  it('when a ratio meets, misses or has no target, then the verdict says PASS, MISS or INFO', () => {
    expect(verdict(1.05, { op: '<=', value: 1.05 })).toBe('PASS');
    expect(verdict(1.06, { op: '<=', value: 1.05 })).toBe('MISS');
    expect(verdict(1.3, { op: '>=', value: 1.3 })).toBe('PASS');
    expect(verdict(Number.NaN, { op: '>=', value: 1.3 })).toBe('MISS');
    expect(verdict(7, null)).toBe('INFO');
    expect(ratio('one-pass', 'a / b', 39, 30, { op: '>=', value: 1.3 })).toMatchObject({ value: 1.3, verdict: 'PASS' });
    expect(formatTarget({ op: '<=', value: 1.05 })).toBe('≤ 1.05×');
    expect(formatTarget(null)).toBe('none');
  });

  it('when values are formatted, then each unit gets a readable precision', () => {
    expect(formatValue(950.4, 'ms')).toBe('950 ms');
    expect(formatValue(14_230, 'ms')).toBe('14.2 s');
    expect(formatValue(3633.2, 'per s')).toBe('3633/s');
    expect(formatValue(54.94, 'jobs/min')).toBe('54.9 jobs/min');
    expect(formatValue(191.66, 'MiB')).toBe('191.7 MiB');
  });
});

describe('bench parsing helpers', () => {
  it('when /proc/<pid>/status is read, then VmRSS and VmHWM come out in KiB', () => {
    expect(parseProcStatus('Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  153600 kB\n')).toEqual({ rssKiB: 153600, hwmKiB: 204800 });
    expect(parseProcStatus('Name:\tzombie\n')).toBeNull();
  });

  it('when GNU time wrote %M %U %S, then peak RSS and CPU seconds come out, also after a status line', () => {
    expect(parseGnuTime('412340 10.52 0.83\n')).toEqual({ maxRssKiB: 412340, cpuS: 11.35 });
    expect(parseGnuTime('Command exited with non-zero status 1\n2048 0.01 0.00\n')).toEqual({ maxRssKiB: 2048, cpuS: 0.01 });
    expect(parseGnuTime('garbage')).toBeNull();
  });

  it('when /proc/self/stat is read, then the reaped children\'s CPU (cutime + cstime) comes out in seconds', () => {
    const stat = '4242 (node (tsx)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 40 1234 66 20 0 11 0';
    expect(parseChildCpuSeconds(stat)).toBeCloseTo(13);
  });

  it('when flags are given, then --quick, --json and --only (repeated or comma-separated) are understood', () => {
    expect(parseBenchArgs([])).toMatchObject({ quick: false, json: false, only: ['overhead', 'one-pass', 'upload-overlap', 'queue-throughput', 'memory', 'scaling', 'playable', 'chunking'] });
    expect(parseBenchArgs(['--quick', '--json', '--only', 'scaling,overhead'])).toEqual({ quick: true, json: true, only: ['overhead', 'scaling'] });
    expect(parseBenchArgs(['--only=memory'])).toMatchObject({ only: ['memory'] });
    expect(() => parseBenchArgs(['--only', 'speed'])).toThrow(/unknown benchmark "speed"/);
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown argument/);
  });
});
