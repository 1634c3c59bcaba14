import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Chunk, ChunksRepository, JobsRepository } from '@reelforge/db';
import { runFfmpeg } from '@reelforge/ffmpeg';
import {
  buildStoryboardTileArgs,
  measureRendition,
  writeMasterPlaylist,
  writeStoryboardVtt,
  STORYBOARD_THUMB_PATTERN,
  type BitrateMeasure,
  type ChunkRange,
  type TranscodePlan,
  type VideoTranscodePlan,
} from '@reelforge/media';
import type { OrphanGuard } from '@reelforge/process';
import { BULLMQ_MAX_PRIORITY, PRIORITY_BAND_WIDTH, type TranscodeJobPayload, type TranscodeQueue, type TranscodeResult } from '@reelforge/queue';
import { masterKey, outputPrefix, STORYBOARD_IMAGE_NAME, STORYBOARD_VTT_NAME, type StorageDriver } from '@reelforge/storage';
import type { Job as BullJob } from 'bullmq';
import { renditionRecords } from '../rendition.records.js';
import type { TranscodeSource } from '../transcode.service.js';
import type { ChunkedOutputPublisher } from './chunked-output.publisher.js';
import { PART_THUMBNAILS_DIR } from './part.encoder.js';
import { plannedParts } from './planned-parts.js';

export interface ChunkedTranscodeDeps {
  jobs: Pick<JobsRepository, 'resumeChunked' | 'findById'>;
  chunks: ChunksRepository;
  publisher: ChunkedOutputPublisher;
  storage: StorageDriver;
  queue: TranscodeQueue;
  orphanGuard?: OrphanGuard;
  workDir?: string;
}

/** A part job's BullMQ id: under its job's attempt, so a later attempt's parts are never swallowed by an old id. */
export function partBullJobId(jobId: string, attempt: number, kind: 'video' | 'audio', index: number): string {
  return `${jobId}.${attempt}.${kind}${index}`;
}

/**
 * The two ends of a chunked job, both run by its own BullMQ job (the parts' parent):
 *
 * - `split`, on the attempt's first run: the parts become rows (finished parts of an earlier attempt
 *   with the same plan are kept), the plan is recorded for the part workers, and one child job per
 *   unfinished part is queued. The parent then waits for its children without holding a worker.
 * - `assemble`, when BullMQ runs it again after the last part: ended playlists, the storyboard tiled
 *   from the parts' thumbnails, the master with measured bitrates. No media is re-encoded or joined.
 */
export class ChunkedTranscode {
  constructor(private readonly deps: ChunkedTranscodeDeps) {}

  /** Returns how many part jobs were queued (0: every part is already encoded, assemble now). */
  async split(parent: BullJob<TranscodeJobPayload>, source: TranscodeSource, split: { plan: TranscodePlan; chunks: ChunkRange[]; attempt: number }): Promise<number> {
    const { chunks, queue } = this.deps;
    const { plan, attempt } = split;
    const parts = await chunks.planAttempt(source.jobId, attempt, plannedParts(plan, split.chunks));
    if (!(await chunks.recordPlan(source.jobId, attempt, plan))) throw new Error('the attempt is no longer the running one');
    await this.discardEarlierAttempts(source, attempt, parts);
    const pending = parts.filter((part) => part.state !== 'completed');
    const base = parent.opts.priority ?? 1;
    const video0Pending = pending.some((part) => part.kind === 'video' && part.index === 0);
    // The audio rides with video part 0 (both start at once); only when that part is finished does it need a job of its own.
    const queued = pending.filter((part) => part.kind === 'video' || !video0Pending);
    for (const part of queued) {
      const data: TranscodeJobPayload = {
        jobId: source.jobId,
        fileId: source.fileId,
        originalName: parent.data.originalName,
        sourceKey: source.sourceKey,
        part: { attempt, kind: part.kind, index: part.index },
      };
      await queue.add('transcode', data, {
        jobId: partBullJobId(source.jobId, attempt, part.kind, part.index),
        // Part i of a job waits like its owner's (i+1)-th job: other owners' jobs interleave with the parts.
        priority: Math.min(BULLMQ_MAX_PRIORITY, base + (part.kind === 'video' ? part.index : 0) * PRIORITY_BAND_WIDTH),
        parent: { id: parent.id!, queue: parent.queueQualifiedName },
        failParentOnFailure: true,
      });
    }
    await parent.updateData({ ...parent.data, chunkedAttempt: attempt });
    return queued.length;
  }

  /**
   * Earlier attempts' files go (their playlists, master, poster, unfinished parts' segments), except
   * the segments and thumbnails of finished parts this attempt names where they lie.
   */
  private async discardEarlierAttempts(source: TranscodeSource, attempt: number, parts: readonly Chunk[]): Promise<void> {
    const { storage } = this.deps;
    for (let earlier = 1; earlier < attempt; earlier += 1) {
      const prefix = outputPrefix(source.fileId, source.jobId, earlier);
      const kept = parts.filter((part) => part.attempt === earlier);
      if (kept.length === 0) {
        await storage.deletePrefix(prefix);
        continue;
      }
      const keep = new Set(kept.flatMap((part) => Object.entries(part.segments).flatMap(([name, list]) => list.map((segment) => `${prefix}/${name}/${segment.uri}`))));
      const thumbnails = `${prefix}/${PART_THUMBNAILS_DIR}/`;
      for await (const { key } of storage.list(prefix)) {
        if (!keep.has(key) && !key.startsWith(thumbnails)) await storage.delete(key);
      }
    }
  }

  /** After every part is encoded. Throws when a part is not finished (the attempt cannot be assembled). */
  async assemble(source: TranscodeSource, attempt: number, plan: TranscodePlan, signal: AbortSignal): Promise<TranscodeResult> {
    const { chunks, storage, publisher } = this.deps;
    const parts = await chunks.list(source.jobId);
    const unfinished = parts.filter((part) => part.state !== 'completed');
    if (parts.length === 0 || unfinished.length > 0) throw new Error(`${unfinished.length} of ${parts.length} parts are not encoded`);
    const prefix = outputPrefix(source.fileId, source.jobId, attempt);
    const scratch = await mkdtemp(path.join(this.deps.workDir ?? os.tmpdir(), 'reelforge-assemble-'));
    try {
      const published = await publisher.publish({ jobId: source.jobId, fileId: source.fileId, attempt, plan }, scratch);
      if (!published.current || !published.ended) throw new Error('the attempt could not be published as ended');
      if (plan.hasVideo) await this.storyboard(plan, { source, attempt, partAttempts: parts.map((p) => p.attempt) }, scratch, signal);
      const measurements: Record<string, BitrateMeasure> = {};
      const names = [...plan.renditions.map((r) => r.name), ...(plan.audio ? [plan.audio.name] : [])];
      for (const name of names) {
        const segments = parts
          .filter((part) => (name === plan.audio?.name ? part.kind === 'audio' : part.kind === 'video'))
          .sort((a, b) => a.index - b.index)
          .flatMap((part) => part.segments[name] ?? []);
        measurements[name] = measureRendition(segments, plan.segmentSeconds);
      }
      const master = path.join(scratch, 'master-final.m3u8');
      await writeFile(master, writeMasterPlaylist({ plan, measurements }));
      await storage.putFile(masterKey(prefix), master);
      return { outputPrefix: prefix, renditions: renditionRecords(plan, measurements) };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /**
   * Once completed, the parts' thumbnails have served their purpose. Their rows stay (a few per job,
   * removed with it): which worker encoded which part, how often and for how long.
   */
  async cleanUp(source: TranscodeSource): Promise<void> {
    const attempts = new Set((await this.deps.chunks.list(source.jobId)).map((part) => part.attempt));
    for (const attempt of attempts) await this.deps.storage.deletePrefix(`${outputPrefix(source.fileId, source.jobId, attempt)}/${PART_THUMBNAILS_DIR}`);
  }

  private async storyboard(
    plan: VideoTranscodePlan,
    where: { source: TranscodeSource; attempt: number; partAttempts: number[] },
    scratch: string,
    signal: AbortSignal,
  ): Promise<void> {
    const { source } = where;
    const { storage } = this.deps;
    const thumbs = path.join(scratch, 'thumbs');
    await mkdir(thumbs, { recursive: true });
    for (const attempt of new Set(where.partAttempts)) {
      const folder = `${outputPrefix(source.fileId, source.jobId, attempt)}/${PART_THUMBNAILS_DIR}/`;
      for await (const object of storage.list(folder)) {
        await storage.downloadToFile(object.key, path.join(thumbs, path.posix.basename(object.key)));
      }
    }
    const prefix = outputPrefix(source.fileId, source.jobId, where.attempt);
    const sheet = path.join(scratch, STORYBOARD_IMAGE_NAME);
    await runFfmpeg(buildStoryboardTileArgs(plan.storyboard, { thumbnails: path.join(thumbs, STORYBOARD_THUMB_PATTERN), output: sheet }), {
      signal,
      orphanGuard: this.deps.orphanGuard,
    });
    const vtt = path.join(scratch, STORYBOARD_VTT_NAME);
    await writeFile(vtt, writeStoryboardVtt(plan.storyboard, STORYBOARD_IMAGE_NAME));
    await storage.putFile(`${prefix}/${STORYBOARD_IMAGE_NAME}`, sheet);
    await storage.putFile(`${prefix}/${STORYBOARD_VTT_NAME}`, vtt);
  }
}
