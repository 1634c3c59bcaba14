import { constants } from 'node:fs';
import { access, mkdir, open, readdir, rm, stat, unlink } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { writeFileAtomically } from './atomic-file.writer.js';
import { assertValidRange, type ByteRange } from './byte-range.guard.js';
import { objectHeadersFor } from './content-type.policy.js';
import { localPublicUrl } from './public-url.builder.js';
import type { LocalStorageConfig } from './storage.config.js';
import type {
  ListedObject,
  PutFileOptions,
  PutResult,
  PutStreamOptions,
  StorageDriver,
  StoredObjectStat,
} from './storage.driver.js';
import {
  isStorageLibError,
  StorageError,
  StorageNotFoundError,
  StorageRangeNotSatisfiableError,
} from './storage.errors.js';
import { assertSafeKey, PARTIAL_SUFFIX_PATTERN, toFolderPrefix } from './storage-key.guard.js';

export type LocalDriverOptions = Omit<LocalStorageConfig, 'driver'>;

/** Error codes meaning "there is no object here" (a missing file, or a path through a file). */
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);
/** Only reads report a missing object; a write failing with ENOTDIR is a storage fault (see `wrap`). */
const READ_OPERATIONS = new Set(['getStream', 'downloadToFile']);

/**
 * Stores objects as files under `rootDir` (one file per key, directories created on demand).
 * Writes go to a sibling `*.partial-<hex>` file renamed into place, so readers and the API's
 * static `/media/hls` route never see half a file. Content types are not stored: `stat` derives them
 * from the key (`objectHeadersFor`), as the static route does for HLS output; originals are never
 * served. Unlike S3, `a` and `a/b` cannot both exist.
 */
export class LocalDriver implements StorageDriver {
  readonly kind = 'local';
  /** Absolute storage root. */
  readonly rootDir: string;
  private readonly publicBaseUrl: string;

  constructor(options: LocalDriverOptions) {
    this.rootDir = resolve(options.rootDir);
    this.publicBaseUrl = options.publicBaseUrl;
  }

  /** Absolute file path of `key` (validated; never outside `rootDir`). */
  localPath(key: string): string {
    assertSafeKey(key);
    const path = join(this.rootDir, ...key.split('/'));
    // Defence in depth: assertSafeKey already rules out every way of escaping the root.
    if (!path.startsWith(this.rootDir + sep)) {
      throw new StorageError(`local: key "${key}" resolves outside the storage root`);
    }
    return path;
  }

  async putStream(key: string, body: Readable, options: PutStreamOptions = {}): Promise<PutResult> {
    const path = this.localPath(key);
    const bytes = await writeFileAtomically(path, body, {
      label: `local putStream "${key}"`,
      expectedBytes: options.contentLength,
      signal: options.signal,
      mapWriteError: (err) => this.wrap('putStream', key, err),
    });
    return { key, bytes };
  }

  async putFile(key: string, localPath: string, _options: PutFileOptions = {}): Promise<PutResult> {
    const path = this.localPath(key);
    // Open first so a missing source rejects with the fs error itself, not a storage error.
    const source = await open(localPath, 'r');
    const bytes = await writeFileAtomically(path, source.createReadStream(), {
      label: `local putFile "${key}"`,
      mapWriteError: (err) => this.wrap('putFile', key, err),
    });
    return { key, bytes };
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.localPath(key);
    if (range) assertValidRange(range);
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      throw this.wrap('getStream', key, err);
    }
    try {
      // Size and stream come from the same open file, so a concurrent replace cannot mix versions.
      const info = await handle.stat();
      if (!info.isFile()) throw new StorageNotFoundError(key);
      if (range && range.start >= info.size) throw new StorageRangeNotSatisfiableError(key, range.start);
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    } catch (err) {
      await handle.close();
      throw this.wrap('getStream', key, err);
    }
  }

  async downloadToFile(key: string, localPath: string): Promise<{ bytes: number }> {
    const source = await this.getStream(key);
    const bytes = await writeFileAtomically(localPath, source, {
      label: `local downloadToFile "${key}"`,
      mapSourceError: (err) => this.wrap('downloadToFile', key, err),
    });
    return { bytes };
  }

  async stat(key: string): Promise<StoredObjectStat | null> {
    const path = this.localPath(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) return null;
      return { bytes: info.size, contentType: objectHeadersFor(key).contentType, modifiedAt: info.mtime };
    } catch (err) {
      if (isAbsent(err)) return null;
      throw this.wrap('stat', key, err);
    }
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    const folder = toFolderPrefix(prefix, { allowRoot: true });
    const dir = folder === '' ? this.rootDir : this.localPath(folder.slice(0, -1));
    yield* this.walk(dir, folder);
  }

  async delete(key: string): Promise<void> {
    const path = this.localPath(key);
    try {
      await unlink(path);
    } catch (err) {
      if (!isAbsent(err)) throw this.wrap('delete', key, err);
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    const folder = toFolderPrefix(prefix, { allowRoot: false });
    let deleted = 0;
    for await (const { key } of this.list(folder)) {
      await this.delete(key);
      deleted += 1;
    }
    try {
      // Removes the emptied directories and any abandoned temp files.
      await rm(this.localPath(folder.slice(0, -1)), { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
    } catch (err) {
      // A writer still at work (a worker stopping as its file is deleted) put a file in after the walk:
      // everything listed is gone, and what arrived since is its writer's to remove.
      if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY') throw this.wrap('deletePrefix', folder, err);
    }
    return deleted;
  }

  publicUrl(key: string): string {
    assertSafeKey(key);
    return localPublicUrl(this.publicBaseUrl, key);
  }

  async checkHealth(): Promise<void> {
    try {
      await mkdir(this.rootDir, { recursive: true });
      await access(this.rootDir, constants.R_OK | constants.W_OK);
    } catch (err) {
      throw this.wrap('checkHealth', '', err);
    }
  }

  async close(): Promise<void> {}

  private async *walk(dir: string, keyPrefix: string): AsyncGenerator<ListedObject> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isAbsent(err)) return;
      throw this.wrap('list', keyPrefix, err);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        yield* this.walk(path, `${keyPrefix}${entry.name}/`);
      } else if (entry.isFile() && !PARTIAL_SUFFIX_PATTERN.test(entry.name)) {
        const key = `${keyPrefix}${entry.name}`;
        try {
          yield { key, bytes: (await stat(path)).size };
        } catch (err) {
          // Deleted between readdir and stat: it is simply no longer there.
          if (!isAbsent(err)) throw this.wrap('list', key, err);
        }
      }
    }
  }

  private wrap(operation: string, key: string, err: unknown): Error {
    if (isStorageLibError(err)) return err;
    if (isAbsent(err) && READ_OPERATIONS.has(operation)) return new StorageNotFoundError(key);
    const detail = err instanceof Error ? err.message : String(err);
    return new StorageError(`local ${operation} failed for key "${key}": ${detail}`, { cause: err });
  }
}

function isAbsent(err: unknown): boolean {
  return typeof err === 'object' && err !== null && ABSENT.has((err as NodeJS.ErrnoException).code ?? '');
}

