import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FileRecord, FilesRepository, JobsRepository } from '@reelforge/db';
import type { MediaSniffer } from '@reelforge/ffmpeg';
import { InvalidMediaError } from '@reelforge/media';
import { enqueueAttempt, type JobHandler, type TranscodeQueue } from '@reelforge/queue';
import { originalKey, type StorageDriver } from '@reelforge/storage';
import type { Logger } from 'pino';
import { ImportError } from './import.errors.js';
import { fetchToFile, type FetchToFileOptions } from './url.fetcher.js';

export interface ImportProcessorDeps {
  files: Pick<FilesRepository, 'markImported' | 'markImportFailed'>;
  jobs: Pick<JobsRepository, 'markImportDone' | 'markImportFailed' | 'queuedRank'>;
  storage: Pick<StorageDriver, 'putFile' | 'delete' | 'downloadToFile'>;
  /** The upload sniff (ffprobe + input limits): an import is refused for what an upload would be. */
  sniff: MediaSniffer;
  /** Where a waiting transcode job goes once its file is imported. */
  transcodeQueue: TranscodeQueue;
  fetch: FetchToFileOptions;
  /** UPLOAD_TMP_DIR: where the fetched bytes wait for the sniff. */
  tmpDir: string;
  logger: Logger;
}

/** Codes an import can end with besides its own: the sniff's, which the client can act on. */
const CLIENT_CODES = new Set(['import_refused', 'import_failed', 'import_timeout', 'payload_too_large', 'invalid_media', 'unsupported_input', 'input_too_large']);

/**
 * One URL import: fetch into a temporary directory, sniff, store as the file's original, then mark the
 * row `ready` and enqueue the transcode job waiting for it — or record why it failed on the file and
 * that job. A completed direct upload takes the same road, read from storage instead of fetched (and
 * removed from storage when refused). A failed import is an outcome, not a queue failure: nothing
 * retries it blindly.
 */
export function createImportProcessor(deps: ImportProcessorDeps): JobHandler<'imports'> {
  const { files, jobs, storage, logger } = deps;
  return async (job) => {
    const { fileId, jobId } = job.data;
    const fromStorage = 'source' in job.data;
    const log = logger.child({ fileId, jobId });
    const storageKey = originalKey(fileId);
    const dir = await mkdtemp(path.join(deps.tmpDir, 'reelforge-import-'));
    try {
      const source = path.join(dir, 'source');
      const fetched = 'url' in job.data ? await fetchToFile(job.data.url, source, deps.fetch) : await readStored(deps, storageKey, source);
      if (fetched.bytes === 0) throw new InvalidMediaError('The source is empty (0 bytes).');
      const facts = await deps.sniff(source);
      if (!fromStorage) await storage.putFile(storageKey, source);
      // Scratch space goes before the outcome is recorded: whoever sees the outcome sees it gone.
      await rm(dir, { recursive: true, force: true });
      const file = await files.markImported(fileId, { mime: fetched.mime, sizeBytes: fetched.bytes, ...facts });
      if (!file) {
        // Deleted while it was being fetched: what was stored belongs to nobody.
        await storage.delete(storageKey).catch((err: unknown) => log.warn({ err, storageKey }, 'could not remove the original of a file deleted during its import'));
        return { state: 'failed', code: 'file_not_found' };
      }
      if (jobId !== undefined) await startWaitingJob(deps, jobId, file, log);
      log.info({ bytes: fetched.bytes, fromStorage }, 'import done');
      return { state: 'ready' };
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      const failure = failureOf(err);
      if (failure.expected) log.info({ code: failure.code, message: failure.message }, 'import failed');
      else log.error({ err }, 'import failed unexpectedly');
      // A direct upload that is not usable media leaves nothing behind in the bucket either.
      if (fromStorage) await storage.delete(storageKey).catch((cleanupErr: unknown) => log.warn({ err: cleanupErr, storageKey }, 'could not remove a refused direct upload'));
      const recorded = { code: failure.code, message: failure.message };
      await files.markImportFailed(fileId, recorded);
      if (jobId !== undefined) await jobs.markImportFailed(jobId, recorded);
      return { state: 'failed', code: failure.code };
    }
  };
}

/**
 * A completed direct upload, read back from storage for its sniff. The API measured it against
 * MAX_UPLOAD_BYTES when it was completed; the limit is checked again on what is actually read. Its
 * type stays the one the client declared (`mime: null` keeps the row's).
 */
async function readStored(deps: ImportProcessorDeps, key: string, dest: string): Promise<{ bytes: number; mime: null }> {
  const { bytes } = await deps.storage.downloadToFile(key, dest);
  if (bytes > deps.fetch.maxBytes) throw new ImportError('payload_too_large', `The upload is larger than the limit of ${deps.fetch.maxBytes} bytes.`);
  return { bytes, mime: null };
}

async function startWaitingJob(deps: ImportProcessorDeps, jobId: string, file: FileRecord, log: Logger): Promise<void> {
  const ready = await deps.jobs.markImportDone(jobId);
  // Cancelled meanwhile: nothing to start.
  if (!ready) return;
  try {
    await enqueueAttempt(deps.transcodeQueue, ready, file, await deps.jobs.queuedRank(ready.id));
  } catch (err) {
    // The row is queued and its file ready: the reconciler enqueues it once Redis answers.
    log.warn({ err }, 'enqueue after the import failed; the reconciler will retry it');
  }
}

/** The code and message recorded for a failed import; anything unexpected is an `import_failed` whose detail stays in the log. */
function failureOf(err: unknown): { code: string; message: string; expected: boolean } {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && CLIENT_CODES.has(code) && typeof message === 'string') return { code, message, expected: true };
  return { code: 'import_failed', message: 'The import failed; the error has been logged.', expected: false };
}
