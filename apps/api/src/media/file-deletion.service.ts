import type { FileRecord, FilesRepository, Job, JobsRepository } from '@reelforge/db';
import { fileOutputFolder, type StorageDriver } from '@reelforge/storage';
import type { Logger } from 'pino';
import { AppError, ConflictError, NotFoundError } from '../http/app.errors.js';
import { mayAccess, type Caller } from '../http/caller.js';
import type { JobControlService } from './job-control.service.js';
import { fileNotFound, findVisibleFile } from './visible-file.js';

export interface FileDeletionDeps {
  files: Pick<FilesRepository, 'findById' | 'findDeletedById' | 'markDeleted'>;
  jobs: Pick<JobsRepository, 'findActiveByFileId'>;
  jobControl: Pick<JobControlService, 'cancelJob'>;
  storage: Pick<StorageDriver, 'delete' | 'deletePrefix'>;
  logger: Logger;
}

export interface DeletionOutcome {
  file: FileRecord;
  /** The file's active job, now cancelled; null when it had none. */
  cancelled: Job | null;
  /**
   * A worker was still running that job when the file was deleted: it is told to stop, and removes
   * whatever it wrote meanwhile once its ffmpeg has stopped (the cancelled path of every attempt).
   */
  stopping: boolean;
}

export class StoredDataRemovalError extends AppError<'storage_unavailable'> {
  constructor(fileId: string, cause: unknown) {
    super('storage_unavailable', `File ${fileId} is deleted, but storage did not remove all of its data; send the same DELETE again to finish.`, { cause });
  }
}

/**
 * DELETE /api/media/:fileId. The order is what makes it safe against everything running meanwhile:
 *
 * 1. The row becomes a tombstone: from then on every read path answers 404, and no job can be created
 *    or retried for the file (their statements share-lock the live row; see JobsRepository).
 * 2. The active job, if any, is cancelled the usual way (Postgres, then BullMQ remove or the cancel
 *    broadcast), so a running worker stops its ffmpeg; its cancelled path removes the output prefix
 *    after its last upload, so segments still in flight when step 3 runs do not survive either.
 * 3. The original and every HLS output are removed from storage. The jobs and job_events rows stay.
 *
 * Deleting again answers 404 like any unknown id; if step 3 failed the first time, that repeat
 * finishes the clean-up first.
 */
export class FileDeletionService {
  constructor(private readonly deps: FileDeletionDeps) {}

  async delete(fileId: string, caller: Caller): Promise<DeletionOutcome> {
    const { files } = this.deps;
    await findVisibleFile(files, fileId, caller).catch(async (err: unknown) => {
      if (err instanceof NotFoundError) await this.finishEarlierDeletion(fileId, caller);
      throw err;
    });
    const file = await files.markDeleted(fileId, { by: caller.owner });
    // A concurrent delete won: for this request the file is gone already.
    if (!file) throw fileNotFound(fileId);

    const { cancelled, stopping } = await this.cancelActiveJob(fileId);
    await this.removeStoredData(file);
    this.deps.logger.info({ fileId, owner: file.owner, by: caller.owner, cancelledJobId: cancelled?.id ?? null, stopping }, 'file deleted');
    return { file, cancelled, stopping };
  }

  private async cancelActiveJob(fileId: string): Promise<{ cancelled: Job | null; stopping: boolean }> {
    const active = await this.deps.jobs.findActiveByFileId(fileId);
    if (!active) return { cancelled: null, stopping: false };
    try {
      const outcome = await this.deps.jobControl.cancelJob(active);
      return { cancelled: outcome.job, stopping: outcome.stopping };
    } catch (err) {
      // It completed or failed meanwhile: nothing runs any more, and its output goes in the next step.
      if (err instanceof ConflictError && err.code === 'job_not_cancellable') return { cancelled: null, stopping: false };
      throw err;
    }
  }

  /** Both removals are idempotent, so a repeat after a partial failure finishes the job. */
  private async removeStoredData(file: FileRecord): Promise<void> {
    const { storage } = this.deps;
    const results = await Promise.allSettled([storage.delete(file.storageKey), storage.deletePrefix(fileOutputFolder(file.id))]);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      this.deps.logger.error({ err: failure.reason, fileId: file.id, storageKey: file.storageKey }, 'could not remove a deleted file’s stored data');
      throw new StoredDataRemovalError(file.id, failure.reason);
    }
  }

  /** A repeated DELETE of the caller's own deleted file redoes the storage clean-up, then answers 404 all the same. */
  private async finishEarlierDeletion(fileId: string, caller: Caller): Promise<void> {
    const tombstone = await this.deps.files.findDeletedById(fileId);
    if (tombstone && mayAccess(caller, tombstone.owner)) await this.removeStoredData(tombstone);
  }
}
