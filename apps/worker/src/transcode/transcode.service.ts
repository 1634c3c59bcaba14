import type { RenditionRecord } from '@reelforge/db';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { probeMedia, runFfmpeg } from '@reelforge/ffmpeg';
import {
  ALLOWED_INPUT_FORMATS,
  assertWithinInputLimits,
  buildHlsArgs,
  buildPosterArgs,
  buildStoryboardTileArgs,
  LadderOptionsSchema,
  measureRendition,
  jobTimeLimitMs,
  mediaPlaylistUri,
  planLadder,
  STORYBOARD_THUMB_PATTERN,
  writeMasterPlaylist,
  writeStoryboardVtt,
  planChunks,
  type BitrateMeasure,
  type ChunkRange,
  type ChunkSettings,
  type FfmpegCapabilities,
  type InputLimits,
  type JobTimeLimit,
  type LadderOptionsInput,
  type LadderOverrides,
  type MediaInfo,
  type TranscodePlan,
} from '@reelforge/media';
import type { OrphanGuard } from '@reelforge/process';
import type { TranscodeResult } from '@reelforge/queue';
import {
  jobOutputPrefix,
  outputPrefix,
  POSTER_IMAGE_NAME,
  posterKey,
  STORYBOARD_IMAGE_NAME,
  STORYBOARD_VTT_NAME,
  type StorageDriver,
} from '@reelforge/storage';
import HLS from 'hls-parser';
import { HlsOutputPublisher } from './hls-output.publisher.js';
import { JobTimeoutError } from './job-timeout.error.js';
import { renditionRecords } from './rendition.records.js';
import { localSource } from './source.fetcher.js';
import type { ProgressReporter } from './progress.reporter.js';

export interface TranscodeServiceDeps {
  storage: StorageDriver;
  /** Defaults applied when a job carries no ladder of its own (LADDER_HEIGHTS, HLS_SEGMENT_SECONDS, X264_PRESET). */
  defaultLadder: LadderOptionsInput;
  capabilities: FfmpegCapabilities;
  /** MAX_INPUT_*: checked after the probe too, for files that reached storage without the upload sniff. */
  inputLimits: InputLimits;
  /** JOB_TIMEOUT_FACTOR and JOB_TIMEOUT_FLOOR_S: how long one attempt may run. */
  timeLimit: JobTimeLimit;
  orphanGuard?: OrphanGuard;
  /** Parent of the per-job scratch directories. */
  workDir?: string;
  /** CHUNK_MIN_DURATION_S and CHUNK_SECONDS; null or absent: every input in one pass. */
  chunking?: ChunkSettings | null;
}

/** An attempt too long for one pass: planned, its poster stored; its parts are encoded by part jobs. */
export interface ChunkedSplit {
  chunked: { plan: TranscodePlan; chunks: ChunkRange[] };
}

/** What one attempt encodes, read from the job's Postgres row and its file's row (never from the queue payload). */
export interface TranscodeSource {
  jobId: string;
  fileId: string;
  sourceKey: string;
  ladder?: LadderOverrides;
}

/** Why the attempt's own deadline aborted its work (the caller's signal carries the other reasons). */
const TIME_LIMIT_REASON = 'time-limit';

/** What an attempt tells its caller once its master playlist is in storage (the job is playable). */
export interface PlayableOutput {
  outputPrefix: string;
  /** The planned renditions; bandwidths are measured (and set) only at the end. */
  renditions: RenditionRecord[];
}

/**
 * One transcode attempt: probe, plan, encode every rendition and the storyboard in one ffmpeg pass,
 * the poster beside it, while HlsOutputPublisher publishes segments, growing EVENT playlists and (once
 * every rendition has a segment) the master: the attempt is playable long before it ends. At the end
 * the playlists get #EXT-X-ENDLIST and the master is rewritten with measured bitrates. Each attempt
 * writes under a prefix of its own, so the file's previous ladder is untouched throughout.
 */
export class TranscodeService {
  constructor(private readonly deps: TranscodeServiceDeps) {}

  /**
   * `attempt` is the attempt number Postgres counted when this run claimed the job; it names the
   * segments. The attempt's time limit counts from here and is set once the probe told the duration.
   * @throws JobTimeoutError when the limit passed (ffmpeg is killed first).
   */
  async run(
    source: TranscodeSource,
    progress: ProgressReporter,
    signal: AbortSignal,
    attempt: number,
    onPlan: (plan: TranscodePlan) => void = () => undefined,
    onPlayable: (output: PlayableOutput) => Promise<void> = async () => undefined,
  ): Promise<TranscodeResult | ChunkedSplit> {
    const startedAt = Date.now();
    const deadline = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const scratch = await mkdtemp(path.join(this.deps.workDir ?? os.tmpdir(), 'reelforge-job-'));
    try {
      progress.enter('probing');
      const input = await localSource(this.deps.storage, source.sourceKey, scratch);
      // The same demuxer allowlist and input limits as the upload sniff: a file that reached storage
      // another way (an older API, a manual import) must not be read as a playlist or image, nor be
      // larger than the operator accepts. The probe also gives the duration the time limit is made of.
      // Browser recordings state no duration: probeMedia then measures it from the packets, as the upload did.
      const { info } = await probeMedia(input, { signal, orphanGuard: this.deps.orphanGuard, allowedFormats: ALLOWED_INPUT_FORMATS });
      assertWithinInputLimits(info, this.deps.inputLimits);
      const limitMs = jobTimeLimitMs(info.durationS, this.deps.timeLimit);
      timer = setTimeout(() => deadline.abort(TIME_LIMIT_REASON), Math.max(0, limitMs - (Date.now() - startedAt)));
      try {
        const encodeSignal = AbortSignal.any([signal, deadline.signal]);
        return await this.encode(source, info, input, scratch, { progress, signal: encodeSignal, attempt, onPlan, onPlayable });
      } catch (err) {
        if (deadline.signal.aborted && !signal.aborted) throw new JobTimeoutError(limitMs);
        throw err;
      }
    } finally {
      clearTimeout(timer);
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private async encode(
    source: TranscodeSource,
    info: MediaInfo,
    input: string,
    scratch: string,
    options: {
      progress: ProgressReporter;
      signal: AbortSignal;
      attempt: number;
      onPlan: (plan: TranscodePlan) => void;
      onPlayable: (output: PlayableOutput) => Promise<void>;
    },
  ): Promise<TranscodeResult | ChunkedSplit> {
    const { storage } = this.deps;
    const { progress, signal, attempt, onPlan, onPlayable } = options;
    // A job's own ladder overrides the installation defaults field by field.
    const ladder = LadderOptionsSchema.parse({ ...this.deps.defaultLadder, ...(source.ladder ?? {}) });
    const plan = planLadder(info, ladder, this.deps.capabilities);
    onPlan(plan);
    const chunks = plan.hasVideo && this.deps.chunking ? planChunks(plan.durationS, plan.segmentSeconds, this.deps.chunking) : null;
    if (plan.hasVideo && chunks) {
      // The poster first: every part job can then make the job playable without waiting for it.
      progress.enter('encoding');
      const poster = path.join(scratch, POSTER_IMAGE_NAME);
      await runFfmpeg(buildPosterArgs(plan, { input, output: poster }), { signal, orphanGuard: this.deps.orphanGuard });
      await storage.putFile(posterKey(outputPrefix(source.fileId, source.jobId, attempt)), poster);
      return { chunked: { plan, chunks } };
    }

    const outputDir = path.join(scratch, 'out');
    // Beside the output directory, not in it: everything in there is uploaded.
    const publishDir = path.join(scratch, 'publish');
    const thumbnailsDir = path.join(scratch, 'storyboard');
    await Promise.all([outputDir, publishDir, thumbnailsDir].map((dir) => mkdir(dir, { recursive: true })));
    await this.discardEarlierAttempts(source, attempt);
    const keyPrefix = outputPrefix(source.fileId, source.jobId, attempt);
    const publisher = new HlsOutputPublisher({
      storage,
      plan,
      localDir: outputDir,
      publishDir,
      keyPrefix,
      onPlayable: () => onPlayable({ outputPrefix: keyPrefix, renditions: renditionRecords(plan, {}) }),
    });
    progress.enter('encoding');
    publisher.start();
    // The poster is made beside the encode (a seek and a few frames), so the master need not wait for the end.
    const poster = plan.hasVideo ? this.publishPoster(plan, input, path.join(scratch, POSTER_IMAGE_NAME), publisher, signal) : Promise.resolve();
    // Awaited below on every path; this keeps an early rejection from being reported as unhandled meanwhile.
    poster.catch(() => undefined);
    try {
      const storyboardThumbnails = path.join(thumbnailsDir, STORYBOARD_THUMB_PATTERN);
      await runFfmpeg(buildHlsArgs(plan, { input, outputDir, attempt, storyboardThumbnails }), {
        signal,
        orphanGuard: this.deps.orphanGuard,
        onProgress: (p) => progress.encoding(p.outTimeMs, plan.durationS, p.speed),
      });
      await poster;
      publisher.throwIfFailed();
      if (plan.hasVideo) await this.writeStoryboard(plan, { storyboardThumbnails, outputDir }, signal);
    } catch (err) {
      await Promise.allSettled([poster]);
      await publisher.stop();
      throw err;
    }

    progress.enter('uploading');
    await publisher.finish();
    progress.enter('finalizing');
    const measurements = await this.measure(plan, outputDir, publisher.sizes());
    await publisher.publishFinalMaster(writeMasterPlaylist({ plan, measurements }));
    return { outputPrefix: keyPrefix, renditions: renditionRecords(plan, measurements) };
  }

  /** Removes whatever the job's attempts left in storage (it failed or was cancelled); other jobs' ladders stay. */
  async discardOutput(fileId: string, jobId: string): Promise<void> {
    await this.deps.storage.deletePrefix(jobOutputPrefix(fileId, jobId));
  }

  /** A retried or re-run job's earlier attempts are never served again (the job is not playable until this one is). */
  private async discardEarlierAttempts({ fileId, jobId }: TranscodeSource, attempt: number): Promise<void> {
    for (let earlier = 1; earlier < attempt; earlier += 1) await this.deps.storage.deletePrefix(outputPrefix(fileId, jobId, earlier));
  }

  private async publishPoster(plan: TranscodePlan & { hasVideo: true }, source: string, output: string, publisher: HlsOutputPublisher, signal: AbortSignal) {
    await runFfmpeg(buildPosterArgs(plan, { input: source, output }), { signal, orphanGuard: this.deps.orphanGuard });
    await publisher.publishPoster(output);
  }

  /** The storyboard sheet and its VTT track, from the thumbnails the ladder pass wrote. */
  private async writeStoryboard(plan: TranscodePlan & { hasVideo: true }, io: { storyboardThumbnails: string; outputDir: string }, signal: AbortSignal) {
    const { storyboard } = plan;
    const output = path.join(io.outputDir, STORYBOARD_IMAGE_NAME);
    await runFfmpeg(buildStoryboardTileArgs(storyboard, { thumbnails: io.storyboardThumbnails, output }), { signal, orphanGuard: this.deps.orphanGuard });
    await writeFile(path.join(io.outputDir, STORYBOARD_VTT_NAME), writeStoryboardVtt(storyboard, STORYBOARD_IMAGE_NAME));
  }

  /** Peak and average bitrates from the real segment sizes and EXTINF durations. */
  private async measure(
    plan: TranscodePlan,
    outputDir: string,
    sizes: ReadonlyMap<string, number>,
  ): Promise<Record<string, BitrateMeasure>> {
    const names = [...plan.renditions.map((r) => r.name), ...(plan.audio ? [plan.audio.name] : [])];
    const entries = await Promise.all(
      names.map(async (name) => {
        const playlistPath = mediaPlaylistUri(name);
        const parsed = HLS.parse(await readFile(path.join(outputDir, playlistPath), 'utf8'));
        if (parsed.isMasterPlaylist) throw new Error(`${playlistPath} is not a media playlist`);
        const segments = parsed.segments.map((segment) => ({
          durationS: segment.duration,
          bytes: sizes.get(`${name}/${segment.uri}`) ?? 0,
        }));
        return [name, measureRendition(segments, parsed.targetDuration)] as const;
      }),
    );
    return Object.fromEntries(entries);
  }
}
