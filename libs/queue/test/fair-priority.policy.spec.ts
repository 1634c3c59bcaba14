import { describe, expect, it } from '@jest/globals';
import { CLIENT_PRIORITY_MAX, fairPriority, MAX_RANK, PRIORITY_BAND_WIDTH } from '../src/index.js';

const BULLMQ_MAX_PRIORITY = 2 ** 21;

describe('fairPriority', () => {
  it("when owners queue jobs, then every owner's n-th job runs before anyone's (n+1)-th, whatever priority the client asked for", () => {
    const burstSecond = fairPriority({ rank: 2, clientPriority: 1 });
    const otherFirst = fairPriority({ rank: 1, clientPriority: CLIENT_PRIORITY_MAX });
    expect(otherFirst).toBeLessThan(burstSecond);
    expect(fairPriority({ rank: 1, clientPriority: null })).toBe(1);
    expect(fairPriority({ rank: 2, clientPriority: null })).toBe(PRIORITY_BAND_WIDTH + 1);
  });

  it("when a client gives priorities, then they order only that rank's jobs, and no priority comes first like BullMQ's own unprioritised jobs", () => {
    expect(fairPriority({ rank: 3, clientPriority: null })).toBeLessThan(fairPriority({ rank: 3, clientPriority: 1 }));
    expect(fairPriority({ rank: 3, clientPriority: 1 })).toBeLessThan(fairPriority({ rank: 3, clientPriority: 2 }));
    expect(fairPriority({ rank: 3, clientPriority: CLIENT_PRIORITY_MAX })).toBeLessThan(fairPriority({ rank: 4, clientPriority: null }));
  });

  it('when the rank is very large, then it shares the last band and stays within BullMQ priorities', () => {
    expect(fairPriority({ rank: MAX_RANK, clientPriority: CLIENT_PRIORITY_MAX })).toBeLessThanOrEqual(BULLMQ_MAX_PRIORITY);
    expect(fairPriority({ rank: MAX_RANK * 10, clientPriority: 7 })).toBe(fairPriority({ rank: MAX_RANK, clientPriority: 7 }));
  });

  it('when rank or priority is out of range, then it throws instead of queueing an unfair job', () => {
    expect(() => fairPriority({ rank: 0, clientPriority: null })).toThrow(RangeError);
    expect(() => fairPriority({ rank: 1.5, clientPriority: null })).toThrow(RangeError);
    expect(() => fairPriority({ rank: 1, clientPriority: 0 })).toThrow(RangeError);
    expect(() => fairPriority({ rank: 1, clientPriority: CLIENT_PRIORITY_MAX + 1 })).toThrow(RangeError);
  });
});
