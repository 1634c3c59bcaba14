import { describe, expect, it } from '@jest/globals';
import type { TranscodeProgress } from '@reelforge/queue';
import { ProgressReporter } from '../src/transcode/progress.reporter.js';

/** A reporter on a clock the test moves by hand, recording every sample it emits. */
function harness() {
  let now = 10_000;
  const samples: TranscodeProgress[] = [];
  const reporter = new ProgressReporter((sample) => samples.push(sample), () => now);
  return {
    reporter,
    samples,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('ProgressReporter', () => {
  it('when a job runs through its stages, then percent follows ffmpeg out_time within each stage span', () => {
    const { reporter, samples, advance } = harness();
    reporter.enter('probing');
    advance(1_000);
    reporter.enter('encoding');
    advance(4_000);
    // 5 s of a 10 s source: half of the encoding span (2 → 92).
    reporter.encoding(5_000, 10, 1.25);
    advance(5_000);
    reporter.encoding(10_000, 10, 1);
    reporter.enter('uploading');
    reporter.within(0.5);
    reporter.enter('finalizing');

    expect(samples.map((s) => [s.stage, s.percent, s.speed])).toEqual([
      ['probing', 0, null],
      ['encoding', 2, null],
      ['encoding', 47, 1.25],
      // out_time never reaches 100 %: 99.9 of the span, 100 is reserved for the completed job.
      ['encoding', 91.9, 1],
      ['uploading', 92, null],
      ['uploading', 95, null],
      ['finalizing', 98, null],
    ]);
    expect(samples.every((s) => s.percent < 100)).toBe(true);
  });

  it('when time passes, then the ETA assumes the rate so far holds', () => {
    const { reporter, samples, advance } = harness();
    reporter.enter('probing');
    expect(samples.at(-1)?.etaSeconds).toBeNull();
    reporter.enter('encoding');
    advance(4_700);
    reporter.encoding(5_000, 10, 2);
    // 47 % after 4.7 s: 5.3 s to go.
    expect(samples.at(-1)).toEqual({ stage: 'encoding', percent: 47, etaSeconds: 5, speed: 2 });
    expect(reporter.current()).toEqual({ stage: 'encoding', percent: 47, etaSeconds: 5, speed: null });
  });

  it('when ffmpeg reports an earlier position or no position, then percent does not go backwards', () => {
    const { reporter, samples } = harness();
    reporter.enter('encoding');
    reporter.encoding(6_000, 10, 1);
    const count = samples.length;
    reporter.encoding(null, 10, null);
    expect(samples).toHaveLength(count);
    reporter.encoding(3_000, 10, 1);
    reporter.enter('probing');
    expect(samples.slice(count).map((s) => s.percent)).toEqual([56, 56]);
  });

  it('when fractions outside 0..1 are reported, then the stage span bounds them', () => {
    const { reporter, samples } = harness();
    reporter.enter('uploading');
    reporter.within(-1);
    reporter.within(7);
    expect(samples.map((s) => s.percent)).toEqual([92, 92, 98]);
  });

  it('when the encoding stage is over, then the encode speed is media seconds per wall second', () => {
    const { reporter, advance } = harness();
    reporter.enter('probing');
    advance(500);
    reporter.enter('encoding');
    reporter.encoding(1_000, 12, 3);
    expect(reporter.encodeSpeed()).toBeNull();
    advance(4_000);
    reporter.enter('uploading');
    expect(reporter.encodeSpeed()).toBe(3);
  });
});
