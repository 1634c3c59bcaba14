import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RenditionRecord } from '@reelforge/db';
import { probeMedia, runFfmpeg } from '@reelforge/ffmpeg';
import {
  ALLOWED_INPUT_FORMATS,
  buildHlsArgs,
  buildPosterArgs,
  buildStoryboardTileArgs,
  LadderOptionsSchema,
  measureRendition,
  mediaPlaylistUri,
  planLadder,
  STORYBOARD_THUMB_PATTERN,
  writeMasterPlaylist,
  writeStoryboardVtt,
  type BitrateMeasure,
  type FfmpegCapabilities,
  type LadderOptionsInput,
  type TranscodePlan,
} from '@reelforge/media';
import type { OrphanGuard } from '@reelforge/process';
import type { TranscodeJobPayload, TranscodeResult } from '@reelforge/queue';
import {
  masterKey,
  MASTER_PLAYLIST_NAME,
  outputPrefix,
  POSTER_IMAGE_NAME,
  STORYBOARD_IMAGE_NAME,
  STORYBOARD_VTT_NAME,
  StorageNotFoundError,
  type StorageDriver,
} from '@reelforge/storage';
import HLS from 'hls-parser';
import { HlsOutputUploader } from './hls-output.uploader.js';
import type { ProgressReporter } from './progress.reporter.js';

export interface TranscodeServiceDeps {
  storage: StorageDriver;
  /** Defaults applied when a job carries no ladder of its own (LADDER_HEIGHTS, HLS_SEGMENT_SECONDS, X264_PRESET). */
  defaultLadder: LadderOptionsInput;
  capabilities: FfmpegCapabilities;
  orphanGuard?: OrphanGuard;
  /** Parent of the per-job scratch directories. */
  workDir?: string;
}

/**
 * One transcode attempt: probe, plan, encode every rendition and the storyboard in one ffmpeg pass
 * while finished segments stream to storage, then the poster, rendition playlists, and the master
 * playlist last of all, so a reader never sees a playlist naming a segment that is not there.
 */
export class TranscodeService {
  constructor(private readonly deps: TranscodeServiceDeps) {}

  /** `attempt` is the attempt number Postgres counted when this run claimed the job; it names the segments. */
  async run(
    payload: TranscodeJobPayload,
    progress: ProgressReporter,
    signal: AbortSignal,
    attempt: number,
    onPlan: (plan: TranscodePlan) => void = () => undefined,
  ): Promise<TranscodeResult> {
    const { storage } = this.deps;
    const scratch = await mkdtemp(path.join(this.deps.workDir ?? os.tmpdir(), 'reelforge-job-'));
    try {
      progress.enter('probing');
      const source = await this.localSource(payload.sourceKey, scratch);
      // The same demuxer allowlist as the upload sniff: a file that reached storage another way (an
      // older API, a manual import) must not be read as a playlist, concat list or image here either.
      // The file's duration and size are the API's (stored at upload); this probe only plans the ladder,
      // measuring the duration as the upload did when the container states none, so progress has one.
      const { info } = await probeMedia(source, { signal, orphanGuard: this.deps.orphanGuard, allowedFormats: ALLOWED_INPUT_FORMATS });
      // A job's own ladder overrides the installation defaults field by field.
      const options = LadderOptionsSchema.parse({ ...this.deps.defaultLadder, ...(payload.ladder ?? {}) });
      const plan = planLadder(info, options, this.deps.capabilities);
      onPlan(plan);

      const outputDir = path.join(scratch, 'out');
      await mkdir(outputDir, { recursive: true });
      const keyPrefix = outputPrefix(payload.fileId);
      const uploader = new HlsOutputUploader({ storage, localDir: outputDir, keyPrefix });
      progress.enter('encoding');
      uploader.start();
      try {
        // Beside the output directory, not in it: everything in there is uploaded.
        const thumbnailsDir = path.join(scratch, 'storyboard');
        await mkdir(thumbnailsDir);
        const storyboardThumbnails = path.join(thumbnailsDir, STORYBOARD_THUMB_PATTERN);
        await runFfmpeg(buildHlsArgs(plan, { input: source, outputDir, attempt, storyboardThumbnails }), {
          signal,
          orphanGuard: this.deps.orphanGuard,
          onProgress: (p) => progress.encoding(p.outTimeMs, plan.durationS, p.speed),
        });
        uploader.throwIfFailed();
        if (plan.hasVideo) await this.writeImages(plan, { source, storyboardThumbnails, outputDir }, signal);
      } catch (err) {
        await uploader.stop();
        throw err;
      }

      progress.enter('uploading');
      await uploader.finish();
      progress.enter('finalizing');
      const measurements = await this.measure(plan, outputDir, uploader.sizes());
      const masterPath = path.join(outputDir, MASTER_PLAYLIST_NAME);
      await writeFile(masterPath, writeMasterPlaylist({ plan, measurements }));
      await storage.putFile(masterKey(keyPrefix), masterPath);
      return { outputPrefix: keyPrefix, renditions: renditionRecords(plan, measurements) };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Removes whatever an interrupted attempt left in storage. */
  async discardOutput(fileId: string): Promise<void> {
    await this.deps.storage.deletePrefix(outputPrefix(fileId));
  }

  private async localSource(key: string, scratch: string): Promise<string> {
    const { storage } = this.deps;
    // A local file is read in place; anything remote is fetched once to scratch space.
    const inPlace = storage.localPath(key);
    if (inPlace !== null) {
      // Checked here: ffprobe would report a missing file as unreadable media, a misleading reason.
      if (!(await storage.stat(key))) throw new StorageNotFoundError(key);
      return inPlace;
    }
    const target = path.join(scratch, `source${path.extname(key).slice(0, 10)}`);
    await storage.downloadToFile(key, target);
    return target;
  }

  /** The poster (a seek and a few frames), and the storyboard sheet and its VTT track from the ladder pass's thumbnails. */
  private async writeImages(
    plan: TranscodePlan & { hasVideo: true },
    io: { source: string; storyboardThumbnails: string; outputDir: string },
    signal: AbortSignal,
  ) {
    const options = { signal, orphanGuard: this.deps.orphanGuard };
    const { storyboard } = plan;
    // Side by side (one seeks the source, the other reads small PNGs); both end before either error is thrown.
    const results = await Promise.allSettled([
      runFfmpeg(buildPosterArgs(plan, { input: io.source, output: path.join(io.outputDir, POSTER_IMAGE_NAME) }), options),
      runFfmpeg(buildStoryboardTileArgs(storyboard, { thumbnails: io.storyboardThumbnails, output: path.join(io.outputDir, STORYBOARD_IMAGE_NAME) }), options),
    ]);
    for (const result of results) if (result.status === 'rejected') throw result.reason;
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

function renditionRecords(plan: TranscodePlan, measurements: Record<string, BitrateMeasure>): RenditionRecord[] {
  const video = plan.renditions.map((r) => ({
    name: r.name,
    kind: 'video' as const,
    width: r.width,
    height: r.height,
    fps: r.fps,
    codecs: r.codecs,
    bandwidth: measurements[r.name]?.peakBps ?? null,
    averageBandwidth: measurements[r.name]?.averageBps ?? null,
    playlist: mediaPlaylistUri(r.name),
  }));
  const audio = plan.audio
    ? [
        {
          name: plan.audio.name,
          kind: 'audio' as const,
          width: null,
          height: null,
          fps: null,
          codecs: plan.audio.codecs,
          bandwidth: measurements[plan.audio.name]?.peakBps ?? null,
          averageBandwidth: measurements[plan.audio.name]?.averageBps ?? null,
          playlist: mediaPlaylistUri(plan.audio.name),
        },
      ]
    : [];
  return [...video, ...audio];
}
