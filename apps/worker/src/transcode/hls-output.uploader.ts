import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { StorageDriver } from '@reelforge/storage';

export interface UploadedFile {
  key: string;
  bytes: number;
}

export interface HlsOutputUploaderOptions {
  storage: StorageDriver;
  /** Local directory ffmpeg writes into. */
  localDir: string;
  /** Storage prefix, e.g. `hls/<fileId>`. */
  keyPrefix: string;
  pollIntervalMs?: number;
  /** Uploads in flight at once. */
  concurrency?: number;
}

const SEGMENT = /\.(ts|m4s|aac)$/;
const PLAYLIST = /\.m3u8$/;

/**
 * Streams finished HLS segments to storage while ffmpeg is still encoding, so the tail after the
 * encode is short. ffmpeg writes each segment as `<name>.tmp` and renames it when complete
 * (`-hls_flags temp_file`), so any segment file without `.tmp` is whole.
 *
 * Order on finish: remaining segments, then rendition playlists, then everything else
 * (poster, storyboard). The master playlist is the caller's to write, last of all, so a reader
 * never sees a playlist that names a segment that is not there yet.
 */
export class HlsOutputUploader {
  private readonly uploaded = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private failure: unknown;
  private readonly pollIntervalMs: number;
  private readonly concurrency: number;

  constructor(private readonly options: HlsOutputUploaderOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.concurrency = options.concurrency ?? 4;
  }

  /** Begins uploading segments as they appear; a failed upload is rethrown by `finish()` and `throwIfFailed()`. */
  start(): void {
    this.timer = setInterval(() => {
      this.scanning ??= this.uploadMatching(SEGMENT)
        .catch((err: unknown) => {
          this.failure ??= err;
        })
        .finally(() => {
          this.scanning = undefined;
        });
    }, this.pollIntervalMs);
  }

  throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Stops polling without uploading the rest (used when the encode failed or was cancelled). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.scanning;
    await Promise.allSettled([...this.inFlight]);
  }

  async finish(): Promise<UploadedFile[]> {
    await this.stop();
    this.throwIfFailed();
    await this.uploadMatching(SEGMENT);
    await this.uploadMatching(PLAYLIST);
    await this.uploadMatching(/.*/);
    return [...this.uploaded].map(([key, bytes]) => ({ key, bytes }));
  }

  /** Bytes of every uploaded file, keyed by path relative to the output directory. */
  sizes(): ReadonlyMap<string, number> {
    const prefix = `${this.options.keyPrefix}/`;
    return new Map([...this.uploaded].map(([key, bytes]) => [key.slice(prefix.length), bytes]));
  }

  private async uploadMatching(pattern: RegExp): Promise<void> {
    const files = (await listFiles(this.options.localDir)).filter(
      (rel) => pattern.test(rel) && !rel.endsWith('.tmp') && !this.uploaded.has(this.keyFor(rel)),
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

  private async upload(rel: string): Promise<void> {
    const key = this.keyFor(rel);
    const localPath = path.join(this.options.localDir, rel);
    const { size } = await stat(localPath);
    await this.options.storage.putFile(key, localPath);
    this.uploaded.set(key, size);
  }

  private keyFor(rel: string): string {
    return `${this.options.keyPrefix}/${rel.split(path.sep).join('/')}`;
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
