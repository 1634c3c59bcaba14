import { describe, expect, it } from '@jest/globals';
import { MAX_PART_SIZE_BYTES, MAX_PARTS, planUploadParts } from '../src/upload-parts.planner.js';

const MiB = 1024 * 1024;

describe('planUploadParts', () => {
  it.each([
    [0, 8 * MiB, { partSize: 8 * MiB, partCount: 0 }],
    [1, 8 * MiB, { partSize: 8 * MiB, partCount: 1 }],
    [8 * MiB, 8 * MiB, { partSize: 8 * MiB, partCount: 1 }],
    [8 * MiB + 1, 8 * MiB, { partSize: 8 * MiB, partCount: 2 }],
    // Below S3's 5 MiB minimum, the minimum wins.
    [12 * MiB, 1 * MiB, { partSize: 5 * MiB, partCount: 3 }],
    // 10,000 parts of 8 MiB hold 78.125 GiB; past that, parts grow just enough.
    [MAX_PARTS * 8 * MiB, 8 * MiB, { partSize: 8 * MiB, partCount: MAX_PARTS }],
    [MAX_PARTS * 8 * MiB + 1, 8 * MiB, { partSize: 8 * MiB + 1, partCount: MAX_PARTS }],
    [MAX_PARTS * MAX_PART_SIZE_BYTES, 8 * MiB, { partSize: MAX_PART_SIZE_BYTES, partCount: MAX_PARTS }],
  ])('when %d bytes are split with a preferred part size of %d, then the plan is %o', (size, preferred, plan) => {
    expect(planUploadParts(size, preferred)).toEqual(plan);
  });

  it('when the object does not fit in 10,000 parts of 5 GiB, then it throws', () => {
    expect(() => planUploadParts(MAX_PARTS * MAX_PART_SIZE_BYTES + 1, 8 * MiB)).toThrow(RangeError);
  });

  it.each([-1, 1.5, Number.NaN])('when the size is %d, then it throws', (size) => {
    expect(() => planUploadParts(size, 8 * MiB)).toThrow(RangeError);
  });
});
