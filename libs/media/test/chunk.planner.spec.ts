import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { planChunks } from '../src/index.js';
import { chunkRange } from './expected-args.js';

const range = chunkRange;

describe('planChunks', () => {
  it('leaves an input shorter than minDurationS to the single pass', () => {
    expect(planChunks(59.9, 4, { chunkSeconds: 20, minDurationS: 60 })).toBeNull();
    expect(planChunks(60, 4, { chunkSeconds: 20, minDurationS: 60 })).toEqual([
      range(0, 0, 20, 0, 5),
      range(1, 20, 20, 5, 5),
      range(2, 40, 20, 10, 5, true),
    ]);
  });

  it('leaves an input that would give one chunk to the single pass', () => {
    expect(planChunks(29, 4, { chunkSeconds: 20, minDurationS: 0 })).toBeNull();
    expect(planChunks(12, 4, { chunkSeconds: 20, minDurationS: 0 })).toBeNull();
  });

  it('rounds the chunk length to a whole number of segments, at least one', () => {
    expect(planChunks(20, 2, { chunkSeconds: 5, minDurationS: 0 })).toEqual([
      range(0, 0, 6, 0, 3),
      range(1, 6, 6, 3, 3),
      range(2, 12, 8, 6, 4, true),
    ]);
    expect(planChunks(8, 4, { chunkSeconds: 1, minDurationS: 0 })).toEqual([range(0, 0, 4, 0, 1), range(1, 4, 4, 1, 1, true)]);
  });

  it('merges a tail shorter than half a chunk into the chunk before it, keeps a longer one', () => {
    expect(planChunks(20.9, 2, { chunkSeconds: 6, minDurationS: 0 })).toEqual([
      range(0, 0, 6, 0, 3),
      range(1, 6, 6, 3, 3),
      range(2, 12, 8.9, 6, 5, true),
    ]);
    expect(planChunks(21, 2, { chunkSeconds: 6, minDurationS: 0 })).toEqual([
      range(0, 0, 6, 0, 3),
      range(1, 6, 6, 3, 3),
      range(2, 12, 6, 6, 3),
      range(3, 18, 3, 9, 2, true),
    ]);
    expect(planChunks(15, 2, { chunkSeconds: 4, minDurationS: 0 })).toEqual([
      range(0, 0, 4, 0, 2),
      range(1, 4, 4, 2, 2),
      range(2, 8, 4, 4, 2),
      range(3, 12, 3, 6, 2, true),
    ]);
  });

  it('counts a partial last segment (a duration that is not a multiple of the segment length)', () => {
    expect(planChunks(14.5, 2, { chunkSeconds: 4, minDurationS: 0 })).toEqual([
      range(0, 0, 4, 0, 2),
      range(1, 4, 4, 2, 2),
      range(2, 8, 4, 4, 2),
      range(3, 12, 2.5, 6, 2, true),
    ]);
  });

  it('refuses settings that cannot make chunks', () => {
    expect(() => planChunks(0, 4, { chunkSeconds: 20, minDurationS: 0 })).toThrow(RangeError);
    expect(() => planChunks(Number.NaN, 4, { chunkSeconds: 20, minDurationS: 0 })).toThrow(RangeError);
    expect(() => planChunks(60, 2.5, { chunkSeconds: 20, minDurationS: 0 })).toThrow(RangeError);
    expect(() => planChunks(60, 4, { chunkSeconds: 0, minDurationS: 0 })).toThrow(RangeError);
    expect(() => planChunks(60, 4, { chunkSeconds: 20, minDurationS: -1 })).toThrow(RangeError);
  });

  it('covers the input exactly: contiguous chunks on segment boundaries, segments numbered without gaps', () => {
    const input = fc.record({
      durationS: fc.double({ min: 0.5, max: 4000, noNaN: true }),
      segmentSeconds: fc.integer({ min: 1, max: 20 }),
      chunkSeconds: fc.double({ min: 1, max: 600, noNaN: true }),
    });
    fc.assert(
      fc.property(input, ({ durationS, segmentSeconds, chunkSeconds }) => {
        const chunks = planChunks(durationS, segmentSeconds, { chunkSeconds, minDurationS: 0 });
        if (chunks === null) return;
        const chunkS = chunks[0]!.durationS;
        expect(chunks.length).toBeGreaterThanOrEqual(2);
        expect(chunkS % segmentSeconds).toBe(0);
        let nextStart = 0;
        let nextSegment = 0;
        for (const [i, chunk] of chunks.entries()) {
          expect(chunk).toMatchObject({ index: i, startS: nextStart, firstSegment: nextSegment, last: i === chunks.length - 1 });
          if (!chunk.last) expect(chunk).toMatchObject({ durationS: chunkS, segmentCount: chunkS / segmentSeconds });
          nextStart = chunk.startS + chunk.durationS;
          nextSegment += chunk.segmentCount;
        }
        const last = chunks.at(-1)!;
        expect(last.durationS).toBeGreaterThanOrEqual(chunkS / 2);
        expect(last.durationS).toBeLessThan(chunkS * 1.5);
        expect(nextStart).toBeCloseTo(durationS, 5);
        expect(nextSegment).toBe(Math.ceil(durationS / segmentSeconds));
      }),
    );
  });
});
