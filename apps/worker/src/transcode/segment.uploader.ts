import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { contiguousStoredSegments, mediaPlaylistUri, type PublishedSegment } from '@reelforge/media';
import type { StorageDriver } from '@reelforge/storage';
import HLS from 'hls-parser';

export interface SegmentUploaderOptions {
  storage: StorageDriver;
  /** Local directory ffmpeg writes into (`<rendition>/index.m3u8` and segments, storyboard files). */
  localDir: string;
  /** Storage prefix the files land under, by their path relative to `localDir`. */
  keyPrefix: string;
  /** Uploads in flight at once (default 4). */
  concurrency?: number;
}

export const SEGMENT_FILE = /\.(ts|m4s|aac)$/;
export const PLAYLIST_FILE = /\.m3u8$/;

/**
 * Uploads what ffmpeg writes into a local directory while it runs, each finished file once
 * (`-hls_flags temp_file`: a file without `.tmp` is whole), and tells which of a rendition's listed
 * segments are stored, contiguous from the first: the segments a playlist may name.
 */
export class SegmentUploader {
  private readonly uploaded = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly concurrency: number;

  constructor(private readonly options: SegmentUploaderOptions) {
    this.concurrency = options.concurrency ?? 4;
  }

  /** Uploads every finished file `wanted` accepts that is not stored yet; rethrows the first failure. */
  async uploadMatching(wanted: (rel: string) => boolean): Promise<void> {
    const files = (await listFiles(this.options.localDir)).filter(
      (rel) => wanted(rel) && !rel.endsWith('.tmp') && !this.uploaded.has(this.keyFor(rel)),
    );
    for (const rel of files) {
      while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
      const task: Promise<void> = this.upload(rel).finally(() => this.inFlight.delete(task));
      // Rejections are collected below; this keeps one from being reported as unhandled meanwhile.
      task.catch(() => undefined);
      this.inFlight.add(task);
    }
    const results = await Promise.allSettled([...this.inFlight]);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  /** Waits for uploads in flight, failed or not. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * The rendition's segments a playlist may name now (ffmpeg's list cut at the first one not stored),
   * or null when ffmpeg listed none yet. With `ended`, ffmpeg must have finished the list and every
   * segment must be stored.
   */
  async storedSegments(name: string, ended: boolean): Promise<PublishedSegment[] | null> {
    const listed = await this.listedSegments(name, ended);
    if (listed === null) return null;
    const segments = contiguousStoredSegments(listed, (uri) => this.uploaded.has(this.keyFor(`${name}/${uri}`)));
    if (ended && segments.length !== listed.length) throw new Error(`${name}: ${listed.length - segments.length} segments were not stored`);
    return segments;
  }

  /** Bytes of every uploaded file, keyed by path relative to the local directory (`/`-separated). */
  sizes(): ReadonlyMap<string, number> {
    const prefix = `${this.options.keyPrefix}/`;
    return new Map([...this.uploaded].map(([key, bytes]) => [key.slice(prefix.length), bytes]));
  }

  keyFor(rel: string): string {
    return `${this.options.keyPrefix}/${rel.split(path.sep).join('/')}`;
  }

  /** ffmpeg's list of a rendition's segments so far, or null when it has written none yet. */
  private async listedSegments(name: string, ended: boolean): Promise<PublishedSegment[] | null> {
    let text: string;
    try {
      text = await readFile(path.join(this.options.localDir, mediaPlaylistUri(name)), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !ended) return null;
      throw err;
    }
    const parsed = HLS.parse(text);
    if (parsed.isMasterPlaylist) throw new Error(`${mediaPlaylistUri(name)} is not a media playlist`);
    if (ended && !parsed.endlist) throw new Error(`${mediaPlaylistUri(name)} did not end: ffmpeg stopped early`);
    return parsed.segments.map((segment) => ({ uri: segment.uri, durationS: segment.duration }));
  }

  private async upload(rel: string): Promise<void> {
    const key = this.keyFor(rel);
    const localPath = path.join(this.options.localDir, rel);
    const { size } = await stat(localPath);
    await this.options.storage.putFile(key, localPath);
    this.uploaded.set(key, size);
  }
}

async function listFiles(dir: string, base = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, base), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(dir, path.join(base, e.name)) : [path.join(base, e.name)])),
  );
  return nested.flat().sort();
}
