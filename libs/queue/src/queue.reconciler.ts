import type { FilesRepository, Job, JobEventsRepository, JobsRepository } from '@reelforge/db';
import { visitKeysetPages } from './keyset.pager.js';
import type { JobState } from 'bullmq';
import { enqueueAttempt, type TranscodeQueue } from './transcode.queue.js';

export interface ReconcilerLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface QueueReconcilerDeps {
  queue: TranscodeQueue;
  jobs: Pick<JobsRepository, 'listActive' | 'requeue' | 'markFailed' | 'markImportFailed' | 'queuedRank'>;
  files: Pick<FilesRepository, 'findById'>;
  /** Records a `reconciled` event per re-enqueue, so the audit trail explains a second run. */
  events?: Pick<JobEventsRepository, 'append'>;
  logger?: ReconcilerLogger;
  /** Rows read per page, oldest first (default 1,000). */
  batchSize?: number;
}

export interface ReconcileReport {
  /** Jobs Postgres counts as queued or processing. */
  checked: number;
  /** Reelforge job ids put back on the queue. */
  requeued: string[];
  /** Jobs marked failed because BullMQ had given up on them while Postgres still said processing. */
  failed: string[];
}

type BullState = JobState | 'missing';

const LIVE_STATES: ReadonlySet<string> = new Set<JobState>(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/** A state in which BullMQ will still run (or is running) the job: nothing for a reconciler to repair. */
export function isLiveBullState(state: string): boolean {
  return LIVE_STATES.has(state);
}
const DEFAULT_BATCH_SIZE = 1_000;

/**
 * Postgres is the system of record; Redis can lose jobs (FLUSHALL, a restart without persistence,
 * a failover). This compares every queued/processing job with its BullMQ job and repairs the gap:
 *
 * - BullMQ job alive (waiting, active, delayed, ...): nothing to do.
 * - queued and missing: added again under the id Postgres records. Every row records its id from the
 *   moment it is queued, so an API or retry enqueue racing with us collapses into the same BullMQ
 *   job instead of doubling it: no grace period is needed.
 * - processing and missing, or finished while Postgres says otherwise: queued again as a new attempt
 *   (`requeue`, which records the attempt's new BullMQ id in the same UPDATE), so a still-running
 *   orphan of the lost attempt can never finish the new one, and no old key swallows the add.
 * - processing and failed: BullMQ gave up (stalled more often than allowed, or the worker could
 *   not record the outcome), so the job is marked failed instead of being re-run forever.
 */
export class QueueReconciler {
  constructor(private readonly deps: QueueReconcilerDeps) {}

  async reconcileOnce(): Promise<ReconcileReport> {
    const limit = this.deps.batchSize ?? DEFAULT_BATCH_SIZE;
    const report: ReconcileReport = { checked: 0, requeued: [], failed: [] };
    report.checked = await visitKeysetPages<Job>({
      limit,
      page: (after) => this.deps.jobs.listActive({ limit, ...(after ? { after } : {}) }),
      visit: (job) => this.reconcileJob(job, report),
      // One job that cannot be repaired now must not keep the others from being checked.
      onError: (err, job) => this.deps.logger?.warn({ err, jobId: job.id }, 'reconciler could not repair a job; will try again next run'),
    });
    if (report.requeued.length > 0 || report.failed.length > 0) {
      this.deps.logger?.info(report, 'reconciler repaired jobs Redis had lost');
    }
    return report;
  }

  private async reconcileJob(job: Job, report: ReconcileReport): Promise<void> {
    const { queue, jobs, files } = this.deps;
    const bullJob = job.bullmqJobId === null ? undefined : await queue.getJob(job.bullmqJobId);
    const state: BullState = bullJob ? await stateOf(bullJob) : 'missing';
    if (isLiveBullState(state)) return;

    if (state === 'failed' && job.status === 'processing') {
      const failed = await jobs.markFailed(job.id, {
        code: 'attempts_exhausted',
        message: `The queue gave up on this job (${bullJob?.failedReason || 'no reason recorded'}). Retry it with POST /api/media/transcode/${job.fileId}/retry.`,
      });
      if (failed) report.failed.push(job.id);
      return;
    }

    const file = await files.findById(job.fileId);
    // Deleted: its deletion cancels this job (or, removed by an operator, its jobs went with it). Nothing to run.
    if (!file) return;
    // Waiting for its file's import or direct upload, which enqueues it when done: nothing Redis could have lost yet.
    if (file.state === 'importing' || file.state === 'uploading') return;
    if (file.state === 'failed') {
      // The import failed before it could fail the job (the worker stopped in between): fail it the same way.
      const failed = await jobs.markImportFailed(job.id, file.error ?? { code: 'import_failed', message: 'The import failed.' });
      if (failed) report.failed.push(job.id);
      return;
    }

    const again =
      state === 'missing' && job.status === 'queued' && job.bullmqJobId !== null
        ? job
        : await jobs.requeue(job.id, { from: 'lost', reason: `reconciler: BullMQ job ${job.bullmqJobId} is ${state}` });
    if (!again) return; // It moved on (completed, failed, cancelled) since we listed it.
    // Ranked like any queued job of its owner, so a re-enqueue after a Redis loss stays fair too.
    const bullJobId = await enqueueAttempt(queue, again, file, await jobs.queuedRank(again.id));
    await this.deps.events?.append(job.id, 'reconciled', { bullJobId, found: { bullJobId: job.bullmqJobId, state } });
    report.requeued.push(job.id);
  }
}

async function stateOf(job: { getState(): Promise<JobState | 'unknown'> }): Promise<BullState> {
  const state = await job.getState();
  return state === 'unknown' ? 'missing' : state;
}
