import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ByteCounter } from './byte-counter.transform.js';
import { PipeFailureTracker } from './pipe-failure.tracker.js';
import { isStorageLibError } from './storage.errors.js';

export interface AtomicWriteOptions {
  /** Names the operation and key in a length-mismatch error. */
  label: string;
  expectedBytes?: number;
  signal?: AbortSignal;
  /** Turns an error raised by `body` (the source) into what the caller should see. */
  mapSourceError?: (err: unknown) => unknown;
  /** Turns a local file-system error (mkdir, write, rename) into what the caller should see. */
  mapWriteError?: (err: unknown) => unknown;
}

/** A name in the target's directory, so the final rename stays on one file system and is atomic. */
export function partialPathFor(path: string): string {
  return `${path}.partial-${randomBytes(8).toString('hex')}`;
}

/**
 * Streams `body` into `path` through a sibling temp file renamed into place on success, so a
 * concurrent reader sees the old file or the whole new one. On any failure the temp file is
 * removed and `path` is untouched; an abort rejects with `signal.reason`. Resolves with the
 * number of bytes written.
 */
export async function writeFileAtomically(path: string, body: Readable, options: AtomicWriteOptions): Promise<number> {
  const { signal, mapSourceError = identity, mapWriteError = identity } = options;
  signal?.throwIfAborted();

  const failures = new PipeFailureTracker();
  const onAbort = (): void => {
    body.destroy(asError(signal?.reason));
  };
  failures.watch(body, 'source');
  signal?.addEventListener('abort', onAbort, { once: true });

  const partial = partialPathFor(path);
  const counter = new ByteCounter(options.label, options.expectedBytes);
  failures.watch(counter, 'sink');
  try {
    await mkdir(dirname(path), { recursive: true });
    // `flush` fsyncs before close, so a crash right after the rename cannot leave an empty file.
    const file = createWriteStream(partial, { flags: 'wx', flush: true });
    failures.watch(file, 'sink');
    await pipeline(body, counter, file);
    await rename(partial, path);
    return counter.bytes;
  } catch (err) {
    body.destroy();
    await rm(partial, { force: true }).catch(() => undefined);
    if (signal?.aborted) throw signal.reason;
    const { side, error } = failures.first ?? { side: 'sink', error: err };
    if (isStorageLibError(error)) throw error;
    throw side === 'source' ? mapSourceError(error) : mapWriteError(error);
  } finally {
    failures.dispose();
    signal?.removeEventListener('abort', onAbort);
  }
}

export function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

function identity(err: unknown): unknown {
  return err;
}
