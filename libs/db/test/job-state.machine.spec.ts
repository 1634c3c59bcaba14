import { describe, expect, it } from '@jest/globals';
import { JOB_STATUSES, allowedFrom, canTransition, isTerminalStatus, type JobStatus } from '../src/index.js';

// The intended life cycle, written out independently of the implementation's table.
const ALLOWED = new Set([
  'queued→processing',
  'queued→cancelled',
  'queued→failed',
  'processing→processing',
  'processing→completed',
  'processing→failed',
  'processing→cancelled',
  'processing→queued',
  'failed→queued',
  'cancelled→queued',
]);

const pairs = JOB_STATUSES.flatMap((from) => JOB_STATUSES.map((to) => [from, to] as const));

describe('job state machine', () => {
  it('when every status pair is checked, then all 25 are covered', () => {
    expect(pairs).toHaveLength(25);
  });

  it.each(pairs)('when moving %s → %s, then canTransition matches the life cycle', (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}→${to}`));
  });

  it.each(JOB_STATUSES)('when asking which statuses may enter %s, then allowedFrom lists exactly those', (target) => {
    const expected = JOB_STATUSES.filter((from) => ALLOWED.has(`${from}→${target}`));
    expect(allowedFrom(target)).toEqual(expected);
  });

  it('when a job is completed, then nothing can move it', () => {
    expect(JOB_STATUSES.filter((to) => canTransition('completed', to))).toEqual([]);
  });

  it('when a status is queued or processing, then it is not terminal; otherwise it is', () => {
    const terminal: JobStatus[] = JOB_STATUSES.filter(isTerminalStatus);
    expect(terminal).toEqual(['completed', 'failed', 'cancelled']);
  });
});
