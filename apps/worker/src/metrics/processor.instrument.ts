import { isLastTry, type JobHandler } from '@reelforge/queue';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { JobCancelledError } from '../transcode/transcode.processor.js';
import type { AttemptOutcome, WorkerMetrics } from './worker.metrics.js';

/**
 * Times every attempt and labels it by how the processor ended it: a result is completed, the
 * processor's own error classes say cancelled/released/failed, and any other error is retried by
 * BullMQ unless it was the last attempt.
 */
export function instrumentProcessor(
  processor: JobHandler<'transcode'>,
  metrics: Pick<WorkerMetrics, 'attemptFinished'>,
  now: () => number = Date.now,
): JobHandler<'transcode'> {
  return async (job, token, signal) => {
    const started = now();
    const seconds = () => (now() - started) / 1000;
    try {
      const result = await processor(job, token, signal);
      metrics.attemptFinished('completed', seconds());
      return result;
    } catch (err) {
      metrics.attemptFinished(outcomeOf(err, isLastTry(job)), seconds());
      throw err;
    }
  };
}

export function outcomeOf(err: unknown, lastAttempt: boolean): AttemptOutcome {
  if (err instanceof JobCancelledError) return 'cancelled';
  if (err instanceof DelayedError) return 'released';
  if (err instanceof UnrecoverableError || lastAttempt) return 'failed';
  return 'retried';
}
