/**
 * The job life cycle, kept pure so every repository guard is derived from one table.
 *
 *   queued ──▶ processing ──▶ completed | failed | cancelled
 *     │            │  ▲ └─▶ processing   (re-picked by another worker after a stall)
 *     │            └──┴──▶ queued        (released by a shutting-down worker / stall recovery)
 *     └──▶ cancelled | failed (failed: its file's import failed before it could run)
 *   failed | cancelled ──▶ queued        (retry)
 */
export const JOB_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses that hold the one-active-job-per-file slot (mirrors the partial unique index). */
export const ACTIVE_JOB_STATUSES = ['queued', 'processing'] as const satisfies readonly JobStatus[];

const NEXT: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['processing', 'cancelled', 'failed'],
  processing: ['processing', 'completed', 'failed', 'cancelled', 'queued'],
  completed: [],
  failed: ['queued'],
  cancelled: ['queued'],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return NEXT[from].includes(to);
}

/** Every status a job may be in for a move to `target` to be accepted (the `WHERE status = ANY(...)` guard). */
export function allowedFrom(target: JobStatus): JobStatus[] {
  return JOB_STATUSES.filter((from) => canTransition(from, target));
}

/** Nothing more will happen to the job unless someone retries it. */
export function isTerminalStatus(status: JobStatus): boolean {
  return !(ACTIVE_JOB_STATUSES as readonly JobStatus[]).includes(status);
}
