import {
  createProgressWriter,
  isTerminalStatus,
  type ChunksRepository,
  type FilesRepository,
  type Job,
  type JobAdmission,
  type JobsRepository,
} from '@reelforge/db';
import { FfmpegCancelledError } from '@reelforge/ffmpeg';
import { describePlan, TranscodePlanSchema } from '@reelforge/media';
import { isLastTry, type TranscodeJobPayload, type TranscodeProgress, type TranscodeResult } from '@reelforge/queue';
import { DelayedError, UnrecoverableError, WaitingChildrenError, type Job as BullJob } from 'bullmq';
import type { ChunkedTranscode } from './chunked/chunked.transcode.js';
import type { Logger } from 'pino';
import { decideFailure } from './failure.policy.js';
import { ProgressReporter } from './progress.reporter.js';
import type { PlayableOutput, TranscodeService, TranscodeSource } from './transcode.service.js';

export interface TranscodeProcessorDeps {
  jobs: JobsRepository;
  /** Long inputs: the parts' rows, and the split and assembly of a chunked attempt. */
  chunked?: { chunks: Pick<ChunksRepository, 'readPlan'>; transcode: ChunkedTranscode };
  /** The job row names its file; the file row names the source key. The queue payload is never trusted for either. */
  files: Pick<FilesRepository, 'findById'>;
  service: TranscodeService;
  workerId: string;
  logger: Logger;
  /** Minimum gap between BullMQ progress events (they feed SSE and Bull Board). */
  progressEventIntervalMs?: number;
  /** Receives the encoding speed (x realtime) of each completed attempt. */
  metrics?: { encodeSpeed(ratio: number): void };
  /** Told about each job this worker moved to completed, failed or cancelled (queues its webhook). */
  onSettled?: (job: Job) => Promise<void>;
  /** OWNER_MAX_RUNNING_JOBS: claims go through the owner's lock and refuse beyond this many running jobs. */
  runningLimit?: { admission: Pick<JobAdmission, 'claim'>; maxRunning: number };
  /** Told when a running job became playable (queues its `transcode.playable` webhook if asked for). */
  onPlayable?: (job: Job) => Promise<void>;
}

/**
 * How long a job whose owner is at its running limit waits before a worker looks at it again. Its
 * BullMQ priority is kept, so it comes back in its place; a few seconds keeps workers from spinning
 * on one busy owner's jobs while other owners' jobs are served in between.
 */
export const OWNER_BUSY_DELAY_MS = 5_000;

/** Abort reason the worker uses when its shutdown grace period ran out: give the job back, do not cancel it. */
export const SHUTDOWN_ABORT_REASON = 'worker-shutdown';
/**
 * Abort reason when BullMQ could not renew the job's lock: another worker may already run it
 * (stall recovery) or Redis lost it (the reconciler re-enqueues it). Stop, and do not cancel it.
 */
export const LOCK_LOST_ABORT_REASON = 'lock-lost';
/** Abort reason when Postgres no longer lets this worker write the job (cancelled or taken over). */
const SUPERSEDED_ABORT_REASON = 'superseded';

/** The job's file row is gone: there is nothing to encode (mapped to `source_missing`, not retried). */
export class SourceFileMissingError extends Error {
  readonly code = 'storage_not_found';
  constructor(fileId: string) {
    super(`file ${fileId} no longer exists`);
  }
}

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
export function createTranscodeProcessor(deps: TranscodeProcessorDeps): (job: BullJob<TranscodeJobPayload>, token?: string, signal?: AbortSignal) => Promise<TranscodeResult> {
  const { jobs, service, workerId, logger } = deps;
  const eventIntervalMs = deps.progressEventIntervalMs ?? 500;

  return async (job, token, signal) => {
    const payload = job.data;
    const log = logger.child({ jobId: payload.jobId, fileId: payload.fileId, bullJobId: job.id });

    const { runningLimit } = deps;
    // Run again after its parts were encoded: the same attempt goes on (assembly), whoever split it.
    const resuming = payload.chunkedAttempt;
    const claimed =
      resuming !== undefined
        ? await jobs.resumeChunked(payload.jobId, { attempt: resuming, workerId })
        : runningLimit
          ? await runningLimit.admission.claim(payload.jobId, { workerId, maxRunning: runningLimit.maxRunning })
          : await jobs.markProcessing(payload.jobId, { workerId });
    if (!claimed) return alreadySettled(payload, deps, log);
    if ('reason' in claimed) {
      // Still queued in Postgres; BullMQ holds it back a while without spending a try.
      log.info({ running: claimed.running }, "owner is at its running-jobs limit: job put back for later");
      await job.moveToDelayed(Date.now() + OWNER_BUSY_DELAY_MS, token);
      throw new DelayedError();
    }
    log.info({ attempt: claimed.attempts }, 'transcode started');

    // Ends this attempt when BullMQ aborts it (cancel broadcast, shutdown, lost lock), and also when
    // Postgres refuses a progress write: the job was cancelled or taken over even if no broadcast came.
    const attempt = new AbortController();
    const onAbort = () => attempt.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const writer = createProgressWriter({
      write: async (sample) => {
        const row = await jobs.updateProgress(payload.jobId, { progress: sample.progress, stage: sample.stage, workerId });
        if (!row) attempt.abort(SUPERSEDED_ABORT_REASON);
      },
      onError: (err) => log.warn({ err }, 'progress write failed'),
    });
    let lastEventAt = 0;
    let lastStage: string | undefined;
    let lastSample: TranscodeProgress = { stage: 'probing', percent: 0, etaSeconds: null, speed: null };
    // Once playable, every progress event says so: the live stream learns it from the first one it sees.
    let playable = false;
    const sendProgress = (sample: TranscodeProgress) =>
      job.updateProgress(playable ? { ...sample, playable } : sample).catch((err: unknown) => log.warn({ err }, 'progress event failed'));
    const reporter = new ProgressReporter((sample: TranscodeProgress) => {
      writer.update({ progress: sample.percent, stage: sample.stage });
      lastSample = sample;
      const now = Date.now();
      if (sample.stage !== lastStage || now - lastEventAt >= eventIntervalMs) {
        lastEventAt = now;
        lastStage = sample.stage;
        void sendProgress(sample);
      }
    });
    const onPlayable = async (output: PlayableOutput) => {
      const row = await jobs.markPlayable(payload.jobId, { ...output, workerId });
      if (!row) {
        attempt.abort(SUPERSEDED_ABORT_REASON);
        return;
      }
      playable = true;
      log.info({ outputPrefix: output.outputPrefix }, 'transcode playable');
      await sendProgress(lastSample);
      await notifyPlayable(deps, row, log);
    };

    const abort = attempt.signal;
    let chunked = resuming !== undefined;
    try {
      const source = await sourceOf(claimed, deps, payload, log);
      const assemble = () => assembleChunked(deps, source, claimed.attempts, reporter, abort);
      let result: TranscodeResult;
      if (resuming !== undefined) {
        result = await assemble();
      } else {
        // The effective ladder goes to the job log, where operators read it in Bull Board.
        const outcome = await service.run(
          source,
          reporter,
          abort,
          claimed.attempts,
          (plan) => {
            job.log(describePlan(plan)).catch((err: unknown) => log.warn({ err }, 'job log write failed'));
          },
          onPlayable,
        );
        if ('chunked' in outcome) {
          chunked = true;
          if (!deps.chunked) throw new Error('this worker was not given chunked encoding');
          const queued = await deps.chunked.transcode.split(job, source, { ...outcome.chunked, attempt: claimed.attempts });
          await writer.flush();
          log.info({ parts: outcome.chunked.chunks.length, queued }, 'transcode split into parts');
          // The parts run as child jobs on any free worker; BullMQ runs this job again after the last one.
          if (queued > 0 && token !== undefined && (await job.moveToWaitingChildren(token))) throw new WaitingChildrenError();
          result = await assemble();
        } else {
          result = outcome;
        }
      }
      await writer.flush();
      const completed = await jobs.markCompleted(payload.jobId, { renditions: result.renditions, outputPrefix: result.outputPrefix, workerId });
      if (!completed) {
        // Cancelled, or taken over after a stall, while we were finishing; the catch below tells which.
        log.warn('job changed state while finishing; abandoning this attempt');
        throw new JobCancelledError();
      }
      await job.updateProgress({ stage: 'done', percent: 100, etaSeconds: 0, speed: null } satisfies TranscodeProgress);
      const encodeSpeed = reporter.encodeSpeed();
      if (encodeSpeed !== null) deps.metrics?.encodeSpeed(encodeSpeed);
      if (chunked) await deps.chunked?.transcode.cleanUp(source).catch((err: unknown) => log.warn({ err }, 'could not remove the parts\' leftovers'));
      await notifySettled(deps, completed, log);
      log.info({ renditions: result.renditions.length }, 'transcode completed');
      return result;
    } catch (err) {
      if (err instanceof WaitingChildrenError) throw err;
      await writer.flush();
      const released = abort.aborted && (abort.reason === SHUTDOWN_ABORT_REASON || abort.reason === LOCK_LOST_ABORT_REASON);
      const cancelled = !released && (err instanceof JobCancelledError || err instanceof FfmpegCancelledError || abort.aborted);
      const decision = decideFailure(err);
      if (!released && !cancelled && decision.retryable && !isLastTry(job)) {
        await jobs.releaseToQueued(payload.jobId, { reason: `${decision.code}: ${decision.message}`, workerId });
        log.warn({ err, code: decision.code, attemptsMade: job.attemptsMade + 1 }, 'transcode failed; BullMQ will retry');
        throw err;
      }
      // Every other ending leaves no partial output behind: one rule for all of them. A chunked job's
      // finished parts are kept when it fails, so a retry encodes only the rest.
      const { current, ours } = await discardPartialOutput(payload.jobId, deps, log, { keepParts: chunked && !cancelled });
      if (released) {
        // Back to the queue without spending an attempt; the next worker starts it afresh.
        if (ours) await jobs.releaseToQueued(payload.jobId, { reason: releaseReason(abort.reason), workerId });
        if (abort.reason === LOCK_LOST_ABORT_REASON) {
          // BullMQ no longer counts this worker as the job's owner, so there is nothing to move.
          log.warn('lost the queue lock: attempt abandoned, job released');
          throw new Error('lost the BullMQ lock on this job');
        }
        await job.moveToDelayed(Date.now(), token);
        log.warn('shutdown grace period over: job released to the queue');
        throw new DelayedError();
      }
      if (cancelled) {
        if (current?.status === 'cancelled' || ours) {
          const marked = await jobs.markCancelled(payload.jobId);
          // Null when the API cancelled it: the API made that transition and sends its webhook.
          if (marked) await notifySettled(deps, marked, log);
          log.info('transcode cancelled; partial output removed');
          throw new JobCancelledError();
        }
        log.warn({ status: current?.status ?? 'missing', owner: current?.workerId }, 'this attempt was superseded; leaving the job to its new owner');
        throw new UnrecoverableError('attempt superseded by another worker');
      }
      const failed = await jobs.markFailed(payload.jobId, { code: decision.code, message: decision.message, workerId });
      if (failed) await notifySettled(deps, failed, log);
      log.error({ err, code: decision.code }, 'transcode failed');
      throw decision.retryable ? err : new UnrecoverableError(`${decision.code}: ${decision.message}`);
    }
  };
}

/**
 * What to encode, from Postgres: the claimed row's file, that file's storage key and the row's ladder
 * (bounded when the API accepted it). A payload that disagrees (added by hand, or edited in Redis)
 * changes nothing but a warning: it cannot make this worker read or overwrite another file.
 */
async function sourceOf(claimed: Job, deps: TranscodeProcessorDeps, payload: TranscodeJobPayload, log: Logger): Promise<TranscodeSource> {
  const file = await deps.files.findById(claimed.fileId);
  if (!file) throw new SourceFileMissingError(claimed.fileId);
  if (payload.fileId !== file.id || payload.sourceKey !== file.storageKey) {
    log.warn({ payloadFileId: payload.fileId, payloadSourceKey: payload.sourceKey, fileId: file.id }, 'queue payload disagrees with Postgres; encoding the job row\'s file');
  }
  return { jobId: claimed.id, fileId: file.id, sourceKey: file.storageKey, ...(claimed.ladder !== null ? { ladder: claimed.ladder } : {}) };
}

/** The chunked attempt's parts are encoded: publish it whole (ended playlists, storyboard, measured master). */
async function assembleChunked(deps: TranscodeProcessorDeps, source: TranscodeSource, attempt: number, reporter: ProgressReporter, signal: AbortSignal): Promise<TranscodeResult> {
  if (!deps.chunked) throw new Error('this worker was not given chunked encoding');
  const plan = TranscodePlanSchema.parse(await deps.chunked.chunks.readPlan(source.jobId, attempt));
  reporter.enter('finalizing');
  return deps.chunked.transcode.assemble(source, attempt, plan, signal);
}

/** A webhook that cannot be queued is logged; it never changes the outcome of the transcode. */
async function notifySettled(deps: TranscodeProcessorDeps, job: Job, log: Logger): Promise<void> {
  try {
    await deps.onSettled?.(job);
  } catch (err) {
    log.error({ err }, 'could not queue the webhook; the transcode outcome stands');
  }
}

async function notifyPlayable(deps: TranscodeProcessorDeps, job: Job, log: Logger): Promise<void> {
  try {
    await deps.onPlayable?.(job);
  } catch (err) {
    log.error({ err }, 'could not queue the playable webhook; the transcode goes on');
  }
}

/**
 * After an attempt that did not complete, removes the job's partial output when it is this
 * attempt's to remove: the job is still this worker's, or it was cancelled. Output is per job and
 * attempt, so the file's other jobs (the ladder it serves) are never touched. A worker that took the
 * job over keeps its output.
 */
async function discardPartialOutput(
  jobId: string,
  deps: TranscodeProcessorDeps,
  log: Logger,
  options: { keepParts?: boolean } = {},
): Promise<{ current: Job | null; ours: boolean }> {
  const { jobs, service, workerId } = deps;
  const current = await jobs.findById(jobId);
  const ours = current?.status === 'processing' && current.workerId === workerId;
  // The row's file, never the payload's: output is removed only under this job's own prefix.
  if (current && !options.keepParts && (ours || current.status === 'cancelled')) {
    await service.discardOutput(current.fileId, jobId).catch((err: unknown) => log.error({ err }, 'could not remove partial output'));
  }
  return { current, ours };
}

function releaseReason(reason: string): string {
  return reason === SHUTDOWN_ABORT_REASON ? 'worker shut down before the job finished' : 'worker lost the queue lock';
}

/** The row refused the claim: the job was cancelled, finished or deleted meanwhile. */
async function alreadySettled(payload: TranscodeJobPayload, deps: TranscodeProcessorDeps, log: Logger): Promise<TranscodeResult> {
  // Cancelled while its worker was dead: what that worker wrote is still there.
  const { current } = await discardPartialOutput(payload.jobId, deps, log);
  log.info({ status: current?.status ?? 'missing' }, 'job is not runnable in Postgres; skipping');
  // A worker that died between settling the job and queueing its webhook left that to whoever
  // runs the job next (BullMQ's stall recovery). Announcing twice is safe: the event id is
  // derived from the outcome, so an event already recorded is not sent again.
  if (current && isTerminalStatus(current.status)) await notifySettled(deps, current, log);
  if (current?.status === 'completed' && current.outputPrefix) {
    return { outputPrefix: current.outputPrefix, renditions: current.renditions };
  }
  if (current?.status === 'cancelled') throw new JobCancelledError();
  throw new UnrecoverableError(`job ${payload.jobId} is ${current?.status ?? 'missing'} in Postgres`);
}
