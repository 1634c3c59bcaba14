import { describe, expect, it } from '@jest/globals';
import { MAX_LOCAL_WORKERS, parseWorkerCount } from '../src/worker-count.js';

describe('parseWorkerCount (npm start -- --workers N)', () => {
  it('when the flag is absent, then one worker runs, as before', () => {
    expect(parseWorkerCount(undefined)).toEqual({ ok: true, count: 1 });
  });

  it.each([
    ['1', 1],
    ['2', 2],
    [' 3 ', 3],
    ['08', 8],
    [String(MAX_LOCAL_WORKERS), MAX_LOCAL_WORKERS],
  ])('when --workers is %j, then %i workers run', (value, count) => {
    expect(parseWorkerCount(value)).toEqual({ ok: true, count });
  });

  it.each(['0', '-1', '1.5', '2e1', 'two', '', '0x2', String(MAX_LOCAL_WORKERS + 1), '1000', '99999999999'])(
    'when --workers is %j, then it is refused with a message naming the allowed range and the value',
    (value) => {
      expect(parseWorkerCount(value)).toEqual({
        ok: false,
        message: `--workers must be a whole number from 1 to ${MAX_LOCAL_WORKERS} (got "${value}")`,
      });
    },
  );
});
