import type { FileRecord, FilesRepository, JobsRepository } from '@reelforge/db';
import type { JobQueue } from './job.map.js';
import { visitKeysetPages } from './keyset.pager.js';
import { isLiveBullState, type ReconcilerLogger } from './queue.reconciler.js';

export interface ImportReconcilerDeps {
  queue: JobQueue<'imports'>;
  files: Pick<FilesRepository, 'listImporting' | 'markImportFailed'>;
  jobs: Pick<JobsRepository, 'findActiveByFileId' | 'markImportFailed'>;
  logger?: ReconcilerLogger;
  /**
   * Files younger than this are left alone: the API adds the queue job just after writing the row (and
   * the waiting transcode job), and a re-add racing it would win without the transcode job's id. Default 60 s.
   */
  graceMs?: number;
  batchSize?: number;
}

export interface ImportReconcileReport {
  checked: number;
  /** File ids whose import was queued again (Redis had lost it). */
  requeued: string[];
  /** File ids marked failed: the queue had given up on their import without it being recorded. */
  failed: string[];
}

const DEFAULT_GRACE_MS = 60_000;
const DEFAULT_BATCH_SIZE = 1_000;

/**
 * Postgres says which files are being imported; this puts back the `imports` queue jobs Redis lost,
 * and fails the files whose queue job ended without the import recording an outcome (its worker died
 * more often than stall recovery allows, or the database refused the outcome).
 */
export class ImportReconciler {
  constructor(private readonly deps: ImportReconcilerDeps) {}

  async reconcileOnce(): Promise<ImportReconcileReport> {
    const limit = this.deps.batchSize ?? DEFAULT_BATCH_SIZE;
    const olderThanMs = this.deps.graceMs ?? DEFAULT_GRACE_MS;
    const report: ImportReconcileReport = { checked: 0, requeued: [], failed: [] };
    report.checked = await visitKeysetPages<FileRecord>({
      limit,
      page: (after) => this.deps.files.listImporting({ limit, olderThanMs, ...(after ? { after } : {}) }),
      visit: async (file) => {
        const bullJob = await this.deps.queue.getJob(file.id);
        const state = bullJob ? await bullJob.getState() : 'missing';
        if (isLiveBullState(state)) return;
        const waiting = await this.deps.jobs.findActiveByFileId(file.id);
        if (state === 'missing' || state === 'unknown') {
          const jobId = waiting?.stage === 'importing' ? waiting.id : undefined;
          // No source URL: a completed direct upload, whose bytes wait in storage for their sniff.
          const source = file.sourceUrl !== null ? { url: file.sourceUrl } : { source: 'storage' as const };
          await this.deps.queue.add('import', { fileId: file.id, ...source, ...(jobId ? { jobId } : {}) }, { jobId: file.id });
          report.requeued.push(file.id);
          return;
        }
        const failure = { code: 'import_failed', message: 'The import stopped without an outcome; the error has been logged.' };
        this.deps.logger?.warn({ fileId: file.id, state, reason: bullJob?.failedReason }, 'an import ended without recording its outcome: failing it');
        if (await this.deps.files.markImportFailed(file.id, failure)) report.failed.push(file.id);
        if (waiting) await this.deps.jobs.markImportFailed(waiting.id, failure);
      },
      onError: (err, file) => this.deps.logger?.warn({ err, fileId: file.id }, 'import reconciler could not repair a file; will try again next run'),
    });
    if (report.requeued.length > 0 || report.failed.length > 0) this.deps.logger?.info(report, 'import reconciler repaired imports');
    return report;
  }
}
