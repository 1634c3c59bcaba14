import type { FilesRepository, Job, JobEventsRepository, JobsRepository } from '@reelforge/db';
import type { JobState } from 'bullmq';
import { enqueueTranscode, type TranscodeQueue } from './transcode.queue.js';
import { parseTranscodeBullJobId, transcodeBullJobId } from './transcode.payload.js';

export interface ReconcilerLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface QueueReconcilerDeps {
  queue: TranscodeQueue;
  jobs: Pick<JobsRepository, 'listActive' | 'releaseToQueued' | 'markFailed' | 'setBullmqJobId'>;
  files: Pick<FilesRepository, 'findById'>;
  /** Records a `reconciled` event per re-enqueue, so the audit trail explains a second run. */
  events?: Pick<JobEventsRepository, 'append'>;
  logger?: ReconcilerLogger;
  /** How long a queued job without a recorded BullMQ id is left to the API that is enqueuing it (default 30 s). */
  pendingEnqueueGraceMs?: number;
  /** Rows read per page, oldest first (default 1,000). */
  batchSize?: number;
  now?: () => number;
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
const DEFAULT_PENDING_ENQUEUE_GRACE_MS = 30_000;
const DEFAULT_BATCH_SIZE = 1_000;
/** How many occupied ids to step over when looking for a fresh attempt id. */
const MAX_ID_PROBES = 20;

/**
 * Postgres is the system of record; Redis can lose jobs (FLUSHALL, a restart without persistence,
 * a failover). This compares every queued/processing job with its BullMQ job and repairs the gap:
 *
 * - BullMQ job alive (waiting, active, delayed, ...): nothing to do.
 * - queued and missing: added again under the id Postgres records, so an enqueue racing with us
 *   collapses into the same BullMQ job instead of doubling it. A young row without an id is left
 *   alone for a grace period: the API is between inserting it and adding it.
 * - processing and missing, or completed while Postgres says otherwise: released to queued and
 *   added under a fresh `<jobId>.<attempt>` id, so a still-running orphan of the lost attempt can
 *   never finish the new one, and no old completed/failed key swallows the add.
 * - processing and failed: BullMQ gave up (stalled more often than allowed, or the worker could
 *   not record the outcome), so the job is marked failed instead of being re-run forever.
 */
export class QueueReconciler {
  constructor(private readonly deps: QueueReconcilerDeps) {}

  async reconcileOnce(): Promise<ReconcileReport> {
    const limit = this.deps.batchSize ?? DEFAULT_BATCH_SIZE;
    const report: ReconcileReport = { checked: 0, requeued: [], failed: [] };
    let page: Job[] = [];
    do {
      const after = page.at(-1);
      page = await this.deps.jobs.listActive({ limit, ...(after ? { after } : {}) });
      report.checked += page.length;
      for (const job of page) {
        try {
          await this.reconcileJob(job, report);
        } catch (err) {
          // One job that cannot be repaired now must not keep the others from being checked.
          this.deps.logger?.warn({ err, jobId: job.id }, 'reconciler could not repair a job; will try again next run');
        }
      }
    } while (page.length === limit);
    if (report.requeued.length > 0 || report.failed.length > 0) {
      this.deps.logger?.info(report, 'reconciler repaired jobs Redis had lost');
    }
    return report;
  }

  private async reconcileJob(job: Job, report: ReconcileReport): Promise<void> {
    const { queue, jobs, files } = this.deps;
    if (this.enqueuePending(job)) return;
    const currentId = expectedBullJobId(job);
    const bullJob = await queue.getJob(currentId);
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
    if (!file) return; // Deleting a file deletes its jobs too; this one is on its way out.

    let bullId = currentId;
    let recorded = job.bullmqJobId === currentId;
    if (!(state === 'missing' && job.status === 'queued')) {
      bullId = transcodeBullJobId(job.id, await this.freshAttempt(job, currentId));
      // Recorded before the add, so a reconciler running concurrently picks the same id and BullMQ
      // collapses the two adds into one job.
      await jobs.setBullmqJobId(job.id, bullId);
      recorded = true;
      if (job.status === 'processing') {
        const released = await jobs.releaseToQueued(job.id, { reason: `reconciler: BullMQ job ${currentId} is ${state}` });
        if (!released) return; // It moved on (completed, failed, cancelled) since we listed it.
      }
    }

    await enqueueTranscode(
      queue,
      {
        jobId: job.id,
        fileId: job.fileId,
        attempt: parseTranscodeBullJobId(bullId)?.attempt ?? job.attempts + 1,
        originalName: file.originalName,
        sourceKey: file.storageKey,
        ...(job.ladder !== null ? { ladder: job.ladder } : {}),
      },
      job.priority !== null ? { priority: job.priority } : {},
    );
    if (!recorded) await jobs.setBullmqJobId(job.id, bullId);
    await this.deps.events?.append(job.id, 'reconciled', { bullJobId: bullId, found: { bullJobId: currentId, state } });
    report.requeued.push(job.id);
  }

  /**
   * The API inserts a job row first and records its BullMQ id once the add succeeded; a young
   * queued row without an id is most likely in between, and enqueuing it here would race that add.
   */
  private enqueuePending(job: Job): boolean {
    const graceMs = this.deps.pendingEnqueueGraceMs ?? DEFAULT_PENDING_ENQUEUE_GRACE_MS;
    const now = this.deps.now?.() ?? Date.now();
    return job.status === 'queued' && job.bullmqJobId === null && now - job.queuedAt.getTime() < graceMs;
  }

  /** The lowest attempt number above every one this job has used that names no BullMQ job yet. */
  private async freshAttempt(job: Job, currentId: string): Promise<number> {
    let attempt = Math.max(parseTranscodeBullJobId(currentId)?.attempt ?? 0, job.attempts) + 1;
    for (let probe = 0; probe < MAX_ID_PROBES; probe += 1) {
      if (!(await this.deps.queue.getJob(transcodeBullJobId(job.id, attempt)))) return attempt;
      attempt += 1;
    }
    throw new Error(`no free BullMQ id for job ${job.id} below attempt ${attempt}`);
  }
}

/**
 * The BullMQ id Postgres expects for the job's current attempt. Before the API (or this
 * reconciler) has recorded one, it is the id the pending enqueue is about to use: `attempts + 1`.
 */
export function expectedBullJobId(job: Pick<Job, 'id' | 'attempts' | 'bullmqJobId'>): string {
  return job.bullmqJobId ?? transcodeBullJobId(job.id, job.attempts + 1);
}

async function stateOf(job: { getState(): Promise<JobState | 'unknown'> }): Promise<BullState> {
  const state = await job.getState();
  return state === 'unknown' ? 'missing' : state;
}
