import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ChunkKey, ChunksRepository, FilesRepository, Job, JobsRepository } from '@reelforge/db';
import { FfmpegCancelledError } from '@reelforge/ffmpeg';
import {
  buildChunkedAudioArgs,
  buildChunkVideoArgs,
  jobTimeLimitMs,
  plannedChunkFrames,
  STORYBOARD_THUMB_PATTERN,
  TranscodePlanSchema,
  type ChunkRange,
  type JobTimeLimit,
  type TranscodePlan,
} from '@reelforge/media';
import type { OrphanGuard } from '@reelforge/process';
import { isLastTry, type TranscodeJobPayload, type TranscodePartResult } from '@reelforge/queue';
import { outputPrefix, type StorageDriver } from '@reelforge/storage';
import type { Job as BullJob } from 'bullmq';
import { DelayedError, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { decideFailure } from '../failure.policy.js';
import { JobTimeoutError } from '../job-timeout.error.js';
import { localSource } from '../source.fetcher.js';
import type { ChunkedOutputPublisher } from './chunked-output.publisher.js';
import { encodePart, PART_THUMBNAILS_DIR, PartSupersededError } from './part.encoder.js';

export interface PartProcessorDeps {
  jobs: Pick<JobsRepository, 'findById' | 'updateProgress' | 'markFailed'>;
  files: Pick<FilesRepository, 'findById'>;
  chunks: ChunksRepository;
  publisher: ChunkedOutputPublisher;
  storage: StorageDriver;
  workerId: string;
  logger: Logger;
  timeLimit: JobTimeLimit;
  orphanGuard?: OrphanGuard;
  workDir?: string;
  /** Removes a cancelled job's output (every attempt). */
  discardOutput: (fileId: string, jobId: string) => Promise<void>;
  /** Told when a part made the job playable, and when a part's failure failed the job. */
  onPlayable?: (job: Job) => Promise<void>;
  onSettled?: (job: Job) => Promise<void>;
  /** The job's own BullMQ job (the parts' parent): progress events for the live stream go there. */
  reportProgress: (part: BullJob<TranscodeJobPayload>, update: { percent: number; playable: boolean }) => Promise<void>;
}

/** Abort reasons under which a part is given back to the queue, not failed (the processor's, for the same cases). */
export interface PartAbortReasons {
  /** The worker's shutdown grace period ran out: the part goes back to the queue without spending a try. */
  shutdown: string;
  /** BullMQ could not renew the part's lock: someone else runs it now, there is nothing to move. */
  lockLost: string;
}

type PartJob = BullJob<TranscodeJobPayload> & { data: { part: NonNullable<TranscodeJobPayload['part']> } };

/**
 * One part of a chunked job (a BullMQ child of the job): claim its row, encode its range (the video
 * part 0 job also encodes the audio when it is not encoded yet, beside its video, so the job can be
 * playable as soon as part 0 has a segment), publishing as it goes. Rows and the job's attempt in
 * Postgres decide everything; the payload only says which part to look at.
 */
export function createPartProcessor(deps: PartProcessorDeps, reasons: PartAbortReasons) {
  const { chunks, jobs, workerId } = deps;
  return async (job: PartJob, token: string | undefined, signal: AbortSignal | undefined): Promise<TranscodePartResult> => {
    const { jobId, part } = job.data;
    const label = `${part.kind}${part.index}`;
    const log = deps.logger.child({ jobId, part: label, bullJobId: job.id });
    const key: ChunkKey = { jobId, kind: part.kind, index: part.index };
    const claimed = await chunks.claim(key, { attempt: part.attempt, workerId });
    if (!claimed) {
      await discardIfCancelled(deps, jobId, log);
      log.info('part is finished or its attempt is no longer running; skipping');
      return { part: label, segments: 0 };
    }
    const planJson = await chunks.readPlan(jobId, part.attempt);
    const row = await jobs.findById(jobId);
    if (planJson === null || !row) return { part: label, segments: 0 };
    const plan = TranscodePlanSchema.parse(planJson);
    const file = await deps.files.findById(row.fileId);
    if (!file) throw new UnrecoverableError(`file ${row.fileId} no longer exists`);
    // The video part 0 job carries the audio along when nobody encoded it yet.
    const audio =
      part.kind === 'video' && part.index === 0 && plan.audio
        ? await chunks.claim({ jobId, kind: 'audio', index: 0 }, { attempt: part.attempt, workerId })
        : null;

    const deadline = new AbortController();
    const limitMs = jobTimeLimitMs(claimed.durationS, deps.timeLimit);
    const timer = setTimeout(() => deadline.abort('time-limit'), limitMs);
    const abort = AbortSignal.any([deadline.signal, ...(signal ? [signal] : [])]);
    const scratch = await mkdtemp(path.join(deps.workDir ?? os.tmpdir(), 'reelforge-part-'));
    const target = { jobId, fileId: row.fileId, attempt: part.attempt, plan };
    const keyPrefix = outputPrefix(row.fileId, jobId, part.attempt);
    let announced = false;
    const onRecorded = async () => {
      const outcome = await deps.publisher.publish(target, scratch);
      if (!outcome.current) return;
      if (outcome.becamePlayable) {
        announced = true;
        log.info('transcode playable');
        await deps.onPlayable?.(outcome.becamePlayable).catch((err: unknown) => log.error({ err }, 'could not queue the playable webhook'));
      }
      const percent = outcome.progress * 95;
      await jobs.updateProgress(jobId, { progress: percent, stage: 'encoding', attempt: part.attempt });
      await deps.reportProgress(job, { percent, playable: announced || row.playableAt !== null }).catch(() => undefined);
    };
    try {
      const input = await localSource(deps.storage, file.storageKey, scratch);
      const runs = [];
      if (part.kind === 'video') {
        if (!plan.hasVideo) throw new UnrecoverableError('a video part of a plan without video');
        const range = rangeOf(claimed, plan);
        const outputDir = path.join(scratch, 'video');
        runs.push(
          encodePart(deps, {
            key,
            claimed,
            args: buildChunkVideoArgs(plan, range, { input, outputDir, attempt: part.attempt, storyboardThumbnails: path.join(outputDir, PART_THUMBNAILS_DIR, STORYBOARD_THUMB_PATTERN) }),
            names: plan.renditions.map((r) => r.name),
            outputDir,
            keyPrefix,
            // ffmpeg's out_time means nothing with -copyts and several outputs; its frame count of the top rung does.
            fractionAt: (p) => (p.frame ?? 0) / Math.max(1, plannedChunkFrames(plan, range)),
            signal: abort,
            onRecorded,
          }),
        );
      }
      if (plan.audio && (part.kind === 'audio' || audio)) {
        const audioClaim = part.kind === 'audio' ? claimed : audio!;
        const outputDir = path.join(scratch, 'audio');
        runs.push(
          encodePart(deps, {
            key: { jobId, kind: 'audio', index: 0 },
            claimed: audioClaim,
            args: buildChunkedAudioArgs(plan, { input, outputDir, attempt: part.attempt }),
            names: [plan.audio.name],
            outputDir,
            keyPrefix,
            // Audio parts take seconds and count for nothing in the job's progress (video parts do).
            fractionAt: () => 0,
            signal: abort,
            onRecorded,
          }),
        );
      }
      const done = await Promise.all(runs);
      log.info({ runs: claimed.runs }, 'part encoded');
      return { part: label, segments: done.reduce((n, c) => n + Object.values(c.segments).reduce((m, list) => m + list.length, 0), 0) };
    } catch (err) {
      if (deadline.signal.aborted && !signal?.aborted) return failJob(new JobTimeoutError(limitMs));
      if (signal?.aborted && (signal.reason === reasons.shutdown || signal.reason === reasons.lockLost)) {
        // The row stays `processing`; whoever runs the part next claims it again.
        log.warn({ reason: signal.reason }, 'part released (worker shutdown or lost lock)');
        if (signal.reason === reasons.shutdown && token !== undefined) {
          await job.moveToDelayed(Date.now(), token);
          throw new DelayedError();
        }
        throw new Error('part released');
      }
      const current = await jobs.findById(jobId);
      if (err instanceof PartSupersededError || err instanceof FfmpegCancelledError || current?.status !== 'processing' || current.attempts !== part.attempt) {
        await discardIfCancelled(deps, jobId, log);
        log.info({ status: current?.status }, 'part stopped: its job was cancelled or moved on');
        throw new UnrecoverableError('part no longer needed');
      }
      return failJob(err);
    } finally {
      clearTimeout(timer);
      await rm(scratch, { recursive: true, force: true });
    }

    async function failJob(err: unknown): Promise<never> {
      const decision = decideFailure(err);
      if (decision.retryable && !isLastTry(job)) {
        log.warn({ err, code: decision.code }, 'part failed; BullMQ will retry it');
        throw err;
      }
      // The job fails with its first part that cannot be encoded; finished parts stay for a retry.
      const failed = await jobs.markFailed(jobId, { code: decision.code, message: decision.message, attempt: part.attempt });
      if (failed) await deps.onSettled?.(failed).catch((e: unknown) => log.error({ err: e }, 'could not queue the webhook'));
      log.error({ err, code: decision.code }, 'part failed: transcode failed');
      throw new UnrecoverableError(`${decision.code}: ${decision.message}`);
    }
  };
}

function rangeOf(row: { index: number; startS: number; durationS: number; firstSegment: number }, plan: TranscodePlan): ChunkRange {
  const segmentCount = Math.ceil(row.durationS / plan.segmentSeconds - 1e-9);
  return { index: row.index, startS: row.startS, durationS: row.durationS, firstSegment: row.firstSegment, segmentCount, last: row.startS + row.durationS >= plan.durationS - 1e-6 };
}

async function discardIfCancelled(deps: PartProcessorDeps, jobId: string, log: Logger): Promise<void> {
  const current = await deps.jobs.findById(jobId);
  if (current?.status !== 'cancelled') return;
  await deps.discardOutput(current.fileId, jobId).catch((err: unknown) => log.error({ err }, 'could not remove the cancelled job\'s output'));
}
