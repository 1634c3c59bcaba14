import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mediaPlaylistUri, plannedBitrates, writeEventPlaylist, writeMasterPlaylist, type TranscodePlan } from '@reelforge/media';
import { LIVE_PLAYLIST_CACHE_CONTROL, masterKey, posterKey, type StorageDriver } from '@reelforge/storage';
import { PLAYLIST_FILE, SEGMENT_FILE, SegmentUploader } from './segment.uploader.js';

export interface HlsOutputPublisherOptions {
  storage: StorageDriver;
  plan: TranscodePlan;
  /** Local directory ffmpeg writes into (`<rendition>/index.m3u8` and segments, storyboard files). */
  localDir: string;
  /** Scratch directory for the playlists this publisher writes (never uploaded by the directory scan). */
  publishDir: string;
  /** Storage prefix of this attempt (`outputPrefix(fileId, jobId, attempt)`). */
  keyPrefix: string;
  /** Called once, right after the first master playlist is in storage. A rejection fails the attempt. */
  onPlayable: () => Promise<void>;
  pollIntervalMs?: number;
  /** Uploads in flight at once. */
  concurrency?: number;
}

/**
 * Publishes one attempt's HLS output while ffmpeg is still encoding, so the video is playable long
 * before it is finished, and never lets a reader meet a playlist naming a file that is not stored:
 *
 * 1. Finished segments are uploaded as they appear (`-hls_flags temp_file`: a segment without `.tmp` is whole).
 * 2. Each rendition's playlist is republished as an EVENT playlist naming the segments ffmpeg listed
 *    (its playlist gives their durations) that are stored, contiguous from the first.
 * 3. Once every rendition (audio included) names a segment, and the poster is stored for a plan with
 *    video, the master is published with the plan's bitrates and `onPlayable` is called.
 * 4. At the end the playlists get `#EXT-X-ENDLIST` and the caller replaces the master with a measured one.
 *
 * ffmpeg's own playlists are never uploaded: they may name a segment before it is stored.
 */
export class HlsOutputPublisher {
  private readonly uploader: SegmentUploader;
  /** Segments each rendition's published playlist names, and whether that playlist has ended. */
  private readonly published = new Map<string, { count: number; ended: boolean }>();
  private readonly names: string[];
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private failure: unknown;
  private posterStored = false;
  private playable = false;
  private readonly pollIntervalMs: number;

  constructor(private readonly options: HlsOutputPublisherOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    const { plan, storage, localDir, keyPrefix, concurrency } = options;
    this.uploader = new SegmentUploader({ storage, localDir, keyPrefix, ...(concurrency !== undefined ? { concurrency } : {}) });
    this.names = [...plan.renditions.map((r) => r.name), ...(plan.audio ? [plan.audio.name] : [])];
  }

  /** Begins publishing as segments appear; a failure is rethrown by `finish()` and `throwIfFailed()`. */
  start(): void {
    this.timer = setInterval(() => {
      this.ticking ??= this.publishProgress()
        .catch((err: unknown) => {
          this.failure ??= err;
        })
        .finally(() => {
          this.ticking = undefined;
        });
    }, this.pollIntervalMs);
  }

  throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Stores the poster (made beside the encode); the master waits for it, so `posterUrl` never names a missing file. */
  async publishPoster(localPath: string): Promise<void> {
    await this.options.storage.putFile(posterKey(this.options.keyPrefix), localPath);
    this.posterStored = true;
  }

  /** Stops publishing without finishing (the encode failed or was cancelled). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    await this.uploader.settle();
  }

  /**
   * After ffmpeg exited: the remaining segments, every rendition playlist ended, then everything else
   * in the output directory (storyboard). The master is `publishFinalMaster`'s.
   */
  async finish(): Promise<void> {
    await this.stop();
    this.throwIfFailed();
    await this.uploader.uploadMatching((rel) => SEGMENT_FILE.test(rel));
    await this.publishPlaylists(true);
    await this.uploader.uploadMatching((rel) => !PLAYLIST_FILE.test(rel));
  }

  /** Replaces the master with the measured one; announces playable now if the job ended before it was. */
  async publishFinalMaster(text: string): Promise<void> {
    const local = path.join(this.options.publishDir, 'master.m3u8');
    await writeFile(local, text);
    await this.options.storage.putFile(masterKey(this.options.keyPrefix), local);
    await this.announcePlayable();
  }

  /** Bytes of every uploaded file, keyed by path relative to the output directory. */
  sizes(): ReadonlyMap<string, number> {
    return this.uploader.sizes();
  }

  private async publishProgress(): Promise<void> {
    await this.uploader.uploadMatching((rel) => SEGMENT_FILE.test(rel));
    await this.publishPlaylists(false);
    if (this.playable || (this.options.plan.hasVideo && !this.posterStored)) return;
    if (!this.names.every((name) => (this.published.get(name)?.count ?? 0) > 0)) return;
    const local = path.join(this.options.publishDir, 'master.m3u8');
    await writeFile(local, writeMasterPlaylist({ plan: this.options.plan, measurements: plannedBitrates(this.options.plan) }));
    await this.options.storage.putFile(masterKey(this.options.keyPrefix), local, { cacheControl: LIVE_PLAYLIST_CACHE_CONTROL });
    await this.announcePlayable();
  }

  private async announcePlayable(): Promise<void> {
    if (this.playable) return;
    this.playable = true;
    await this.options.onPlayable();
  }

  /** Republishes each rendition playlist that can name more segments than before (or now ends). */
  private async publishPlaylists(ended: boolean): Promise<void> {
    for (const name of this.names) {
      const segments = await this.uploader.storedSegments(name, ended);
      if (segments === null) continue;
      const before = this.published.get(name);
      if (segments.length === 0 || (before && before.count === segments.length && before.ended === ended)) continue;
      const local = path.join(this.options.publishDir, `${name}.m3u8`);
      await writeFile(local, writeEventPlaylist({ segments, targetDurationS: this.options.plan.segmentSeconds, ended }));
      // A playlist that still grows is re-fetched every target duration: shared caches must not hold it longer.
      await this.options.storage.putFile(this.uploader.keyFor(mediaPlaylistUri(name)), local, ended ? {} : { cacheControl: LIVE_PLAYLIST_CACHE_CONTROL });
      this.published.set(name, { count: segments.length, ended });
    }
  }
}
