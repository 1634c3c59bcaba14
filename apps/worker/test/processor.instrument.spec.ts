import { describe, expect, it } from '@jest/globals';
import type { TranscodeJobPayload, TranscodeResult } from '@reelforge/queue';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { instrumentProcessor, outcomeOf } from '../src/metrics/processor.instrument.js';
import type { AttemptOutcome } from '../src/metrics/worker.metrics.js';
import { JobCancelledError } from '../src/transcode/transcode.processor.js';

describe('attempt outcomes for the worker metrics', () => {
  it.each([
    [new JobCancelledError(), false, 'cancelled'],
    [new DelayedError(), false, 'released'],
    [new UnrecoverableError('invalid_media: no video stream'), false, 'failed'],
    [new Error('storage timeout'), false, 'retried'],
    [new Error('storage timeout'), true, 'failed'],
  ] as const)('when the processor throws %p (last attempt: %p), then the outcome is %s', (err, lastAttempt, outcome) => {
    expect(outcomeOf(err, lastAttempt)).toBe(outcome);
  });

  it('when an attempt ends, then its wall time is observed once with its outcome', async () => {
    let now = 1_000;
    const observed: [AttemptOutcome, number][] = [];
    const metrics = { attemptFinished: (outcome: AttemptOutcome, seconds: number) => void observed.push([outcome, seconds]) };
    const result: TranscodeResult = { outputPrefix: 'hls/f', renditions: [] };
    const job = { attemptsMade: 0, opts: { attempts: 3 } } as unknown as Job<TranscodeJobPayload, TranscodeResult>;

    const ok = instrumentProcessor(async () => ((now += 2_500), result), metrics, () => now);
    await expect(ok(job, 'token')).resolves.toBe(result);
    const failing = instrumentProcessor(async () => ((now += 500), Promise.reject(new Error('network'))), metrics, () => now);
    await expect(failing(job, 'token')).rejects.toThrow('network');

    expect(observed).toEqual([
      ['completed', 2.5],
      ['retried', 0.5],
    ]);
  });
});
