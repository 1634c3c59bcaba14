import { createProgressWriter, type JobsRepository } from '@reelforge/db';
import { FfmpegCancelledError } from '@reelforge/ffmpeg';
import { TranscodeJobPayloadSchema, type TranscodeJobPayload, type TranscodeProgress, type TranscodeResult } from '@reelforge/queue';
import { DelayedError, UnrecoverableError, type Processor } from 'bullmq';
import type { Logger } from 'pino';
import { decideFailure } from './failure.policy.js';
import { ProgressReporter } from './progress.reporter.js';
import type { TranscodeService } from './transcode.service.js';

export interface TranscodeProcessorDeps {
  jobs: JobsRepository;
  service: TranscodeService;
  workerId: string;
  logger: Logger;
  /** Minimum gap between BullMQ progress events (they feed SSE and Bull Board). */
  progressEventIntervalMs?: number;
}

/** Abort reason the worker uses when its shutdown grace period ran out: give the job back, do not cancel it. */
export const SHUTDOWN_ABORT_REASON = 'worker-shutdown';

export class JobCancelledError extends UnrecoverableError {
  readonly code = 'cancelled';
  constructor() {
    super('cancelled');
  }
}

/**
 * The BullMQ side of a transcode: claims the job in Postgres (a guarded transition, so a cancelled
 * or finished job is never re-run), reports progress to both BullMQ and Postgres, and records the
 * outcome. Bad media ends in UnrecoverableError so BullMQ does not retry it.
 */
export function createTranscodeProcessor(deps: TranscodeProcessorDeps): Processor<TranscodeJobPayload, TranscodeResult> {
  const { jobs, service, workerId, logger } = deps;
  const eventIntervalMs = deps.progressEventIntervalMs ?? 500;

  return async (job, token, signal) => {
    const parsed = TranscodeJobPayloadSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid job payload: ${parsed.error.message}`);
    const payload = parsed.data;
    const log = logger.child({ jobId: payload.jobId, fileId: payload.fileId, bullJobId: job.id });

    const claimed = await jobs.markProcessing(payload.jobId, { workerId });
    if (!claimed) return alreadySettled(payload.jobId, jobs, log);
    log.info({ attempt: claimed.attempts }, 'transcode started');

    const writer = createProgressWriter({
      write: async (sample) => {
        await jobs.updateProgress(payload.jobId, { progress: sample.progress, stage: sample.stage, workerId });
      },
      onError: (err) => log.warn({ err }, 'progress write failed'),
    });
    let lastEventAt = 0;
    let lastStage: string | undefined;
    const reporter = new ProgressReporter((sample: TranscodeProgress) => {
      writer.update({ progress: sample.percent, stage: sample.stage });
      const now = Date.now();
      if (sample.stage !== lastStage || now - lastEventAt >= eventIntervalMs) {
        lastEventAt = now;
        lastStage = sample.stage;
        job.updateProgress(sample).catch((err: unknown) => log.warn({ err }, 'progress event failed'));
      }
    });

    const abort = signal ?? new AbortController().signal;
    try {
      const result = await service.run(payload, reporter, abort);
      await writer.flush();
      const completed = await jobs.markCompleted(payload.jobId, { renditions: result.renditions, outputPrefix: result.outputPrefix, workerId });
      if (!completed) {
        // Cancelled (or taken over after a stall) while we were finishing: our output is not wanted.
        log.warn('job changed state while finishing; discarding this attempt');
        throw new JobCancelledError();
      }
      await job.updateProgress({ stage: 'done', percent: 100, etaSeconds: 0, speed: null } satisfies TranscodeProgress);
      log.info({ renditions: result.renditions.length }, 'transcode completed');
      return result;
    } catch (err) {
      await writer.flush();
      if (abort.aborted && abort.reason === SHUTDOWN_ABORT_REASON) {
        // Back to the queue without spending an attempt; the next worker starts it afresh.
        await service.discardOutput(payload.fileId).catch((e: unknown) => log.error({ err: e }, 'could not remove partial output'));
        await jobs.releaseToQueued(payload.jobId, { reason: 'worker shut down before the job finished', workerId });
        await job.moveToDelayed(Date.now(), token);
        log.warn('shutdown grace period over: job released to the queue');
        throw new DelayedError();
      }
      if (err instanceof JobCancelledError || err instanceof FfmpegCancelledError || abort.aborted) {
        await service.discardOutput(payload.fileId).catch((e: unknown) => log.error({ err: e }, 'could not remove partial output'));
        await jobs.markCancelled(payload.jobId);
        log.info('transcode cancelled; partial output removed');
        throw new JobCancelledError();
      }
      const decision = decideFailure(err);
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (decision.retryable && !lastAttempt) {
        await jobs.releaseToQueued(payload.jobId, { reason: `${decision.code}: ${decision.message}`, workerId });
        log.warn({ err, code: decision.code, attemptsMade: job.attemptsMade + 1 }, 'transcode failed; BullMQ will retry');
        throw err;
      }
      await service.discardOutput(payload.fileId).catch((e: unknown) => log.error({ err: e }, 'could not remove partial output'));
      await jobs.markFailed(payload.jobId, { code: decision.code, message: decision.message, workerId });
      log.error({ err, code: decision.code }, 'transcode failed');
      throw decision.retryable ? err : new UnrecoverableError(`${decision.code}: ${decision.message}`);
    }
  };
}

/** The row refused the claim: the job was cancelled, finished or deleted meanwhile. */
async function alreadySettled(jobId: string, jobs: JobsRepository, log: Logger): Promise<TranscodeResult> {
  const current = await jobs.findById(jobId);
  log.info({ status: current?.status ?? 'missing' }, 'job is not runnable in Postgres; skipping');
  if (current?.status === 'completed' && current.outputPrefix) {
    return { outputPrefix: current.outputPrefix, masterKey: `${current.outputPrefix}/master.m3u8`, renditions: current.renditions };
  }
  if (current?.status === 'cancelled') throw new JobCancelledError();
  throw new UnrecoverableError(`job ${jobId} is ${current?.status ?? 'missing'} in Postgres`);
}
