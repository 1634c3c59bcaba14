import { describe, expect, it } from '@jest/globals';
import { visitKeysetPages } from '../src/keyset.pager.js';

/** A keyset query over 1..n: rows after `after`, `limit` at a time. */
const pagesOf = (n: number, limit: number, asked: (number | undefined)[]) => async (after: number | undefined) => {
  asked.push(after);
  return Array.from({ length: n }, (_, i) => i + 1)
    .filter((row) => after === undefined || row > after)
    .slice(0, limit);
};

describe('visitKeysetPages', () => {
  it.each([
    [0, 3, [undefined]],
    [2, 3, [undefined]],
    [3, 3, [undefined, 3]],
    [7, 3, [undefined, 3, 6]],
  ])('when there are %i rows and pages of %i, then every row is visited once, asking after %j', async (n, limit, expectedAfters) => {
    const asked: (number | undefined)[] = [];
    const visited: number[] = [];
    const count = await visitKeysetPages({ limit, page: pagesOf(n, limit, asked), visit: async (row) => void visited.push(row), onError: () => undefined });
    expect(visited).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(count).toBe(n);
    expect(asked).toEqual(expectedAfters);
  });

  it('when a row cannot be visited, then it goes to onError and the walk goes on', async () => {
    const failed: number[] = [];
    const visited: number[] = [];
    await visitKeysetPages({
      limit: 2,
      page: pagesOf(5, 2, []),
      visit: async (row) => {
        if (row % 2 === 0) throw new Error(`row ${row}`);
        visited.push(row);
      },
      onError: (_err, row) => failed.push(row),
    });
    expect({ visited, failed }).toEqual({ visited: [1, 3, 5], failed: [2, 4] });
  });
});
