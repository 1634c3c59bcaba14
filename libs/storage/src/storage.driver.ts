import type { Readable } from 'node:stream';
import type { ByteRange } from './byte-range.guard.js';

export interface PutStreamOptions {
  /** Defaults to `contentTypeFor(key)`; ignored for originals (see `objectHeadersFor`). */
  contentType?: string;
  /** When given, the write fails with `StorageError` and stores nothing unless exactly this many bytes arrive. */
  contentLength?: number;
  /** Aborting destroys `body`, stores nothing and rejects with `signal.reason`. */
  signal?: AbortSignal;
}

export interface PutFileOptions {
  /** Defaults to `contentTypeFor(key)`; ignored for originals (see `objectHeadersFor`). */
  contentType?: string;
  /** Defaults to `cacheControlFor(key)`; ignored for originals. */
  cacheControl?: string;
}

export interface PutResult {
  key: string;
  bytes: number;
}

export interface StoredObjectStat {
  bytes: number;
  contentType?: string;
  modifiedAt: Date;
}

export interface ListedObject {
  key: string;
  bytes: number;
}

/**
 * Object storage as the API and worker need it. Keys are relative POSIX-style keys
 * (`uploads/<fileId>/source`, `hls/<fileId>/720p/seg_00001.ts`; see `storage-key.layout.ts`) checked by `assertSafeKey`;
 * every method rejects an unsafe key with `InvalidStorageKeyError` before touching storage.
 *
 * Failures: `StorageNotFoundError` for a missing object on reads, `StorageError` (transient)
 * for backend faults, with the SDK or fs error as `cause`. A write is all-or-nothing: readers see
 * the previous object or the complete new one, never a partial body.
 *
 * What an object is stored with follows from its key (`objectHeadersFor`), whichever method wrote
 * it: originals (`uploads/…`) are private `application/octet-stream` attachments whatever the
 * caller or the S3 driver's `acl` says; everything else is typed by extension and gets the `acl`.
 */
export interface StorageDriver {
  readonly kind: 'local' | 's3';

  /**
   * Streams `body` to `key` without buffering it whole. Errors from `body` itself are rethrown
   * unchanged (they are the caller's, e.g. a client that disconnected).
   */
  putStream(key: string, body: Readable, options?: PutStreamOptions): Promise<PutResult>;

  /** Uploads a local file (HLS output, a spooled upload). A missing local file rejects with the fs error. */
  putFile(key: string, localPath: string, options?: PutFileOptions): Promise<PutResult>;

  /**
   * Opens an object for reading, optionally an inclusive byte range (an `end` past the object's
   * last byte is clamped). Rejects with `StorageNotFoundError`, or `StorageRangeNotSatisfiableError`
   * when `range.start` is at or past the end; a malformed range throws `RangeError`.
   */
  getStream(key: string, range?: ByteRange): Promise<Readable>;

  /** Copies an object to a local file (parent directories created, written atomically). */
  downloadToFile(key: string, localPath: string): Promise<{ bytes: number }>;

  /** Size, type and modification time, or `null` when there is no object at `key`. */
  stat(key: string): Promise<StoredObjectStat | null>;

  /**
   * Every object under the folder `prefix` (`hls/abc` and `hls/abc/` both mean `hls/abc/…`, never
   * `hls/abcdef/…`; `''` lists the whole store). Order is not specified.
   */
  list(prefix: string): AsyncIterable<ListedObject>;

  /** Removes one object; deleting a missing object succeeds. */
  delete(key: string): Promise<void>;

  /** Removes every object under the folder `prefix` (non-empty) and returns how many were removed. */
  deletePrefix(prefix: string): Promise<number>;

  /** URL a browser or player fetches the object from (no I/O). */
  publicUrl(key: string): string;

  /**
   * Where the object is (or a folder's objects are) a file on this machine, so it can be read in place
   * (a worker's source) or served directly (the API's `/media/hls`); `null` for remote storage, which is
   * fetched to scratch space with `downloadToFile`. No I/O: the file need not exist.
   */
  localPath(key: string): string | null;

  /** Cheap reachability check for `/readyz`; rejects with `StorageError`. */
  checkHealth(): Promise<void>;

  /** Releases sockets and timers; call once on shutdown. */
  close(): Promise<void>;
}
