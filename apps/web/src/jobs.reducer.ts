import { isTerminal, type JobItem, type ProgressEvent } from './job.item.js';

/** The job list as the page shows it: newest first, one row per job. */
export interface JobsState {
  items: JobItem[];
  /** Live percent and stage between two `job` events, by job id. */
  live: Record<string, { percent: number; stage: string; etaSeconds: number | null }>;
}

export type JobsAction =
  | { type: 'loaded'; items: JobItem[] }
  | { type: 'job'; job: JobItem }
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'signed-out' };

export const EMPTY_JOBS: JobsState = { items: [], live: {} };

const newestFirst = (a: JobItem, b: JobItem) => (a.createdAt === b.createdAt ? (a.jobId < b.jobId ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1);

/** A snapshot and an event may arrive in either order: the row Postgres updated last wins. */
function newer(current: JobItem | undefined, incoming: JobItem): JobItem {
  return current && current.updatedAt > incoming.updatedAt ? current : incoming;
}

function withoutLive(live: JobsState['live'], jobId: string): JobsState['live'] {
  const { [jobId]: _dropped, ...rest } = live;
  return rest;
}

/** Pure: the list after one event from the owner-wide stream or one page load. */
export function jobsReducer(state: JobsState, action: JobsAction): JobsState {
  switch (action.type) {
    case 'loaded': {
      const byId = new Map(state.items.map((job) => [job.jobId, job]));
      const items = action.items.map((job) => newer(byId.get(job.jobId), job));
      const listed = new Set(items.map((job) => job.jobId));
      // Rows the stream delivered that the page of the list does not reach (older than its last row) are kept.
      const kept = state.items.filter((job) => !listed.has(job.jobId));
      const merged = [...items, ...kept].sort(newestFirst);
      const live = Object.fromEntries(Object.entries(state.live).filter(([jobId]) => merged.some((job) => job.jobId === jobId && !isTerminal(job.status))));
      return { items: merged, live };
    }
    case 'job': {
      const current = state.items.find((job) => job.jobId === action.job.jobId);
      const job = newer(current, action.job);
      const items = [...state.items.filter((item) => item.jobId !== job.jobId), job].sort(newestFirst);
      // A new attempt (or the end) makes earlier live numbers meaningless.
      const stale = isTerminal(job.status) || job.status === 'queued' || (current !== undefined && current.attempts !== job.attempts);
      return { items, live: stale ? withoutLive(state.live, job.jobId) : state.live };
    }
    case 'progress': {
      const { jobId, percent, stage, etaSeconds } = action.event;
      const job = state.items.find((item) => item.jobId === jobId);
      if (!job || isTerminal(job.status)) return state;
      const before = state.live[jobId]?.percent ?? job.progress;
      if (percent < before) return state;
      return { items: state.items, live: { ...state.live, [jobId]: { percent, stage, etaSeconds } } };
    }
    case 'signed-out':
      return EMPTY_JOBS;
    default: {
      const never: never = action;
      return never;
    }
  }
}

/** What a row shows: the live percent while running, the stored one otherwise. */
export function rowProgress(state: JobsState, job: JobItem): { percent: number; stage: string | null; etaSeconds: number | null } {
  const live = state.live[job.jobId];
  if (live && !isTerminal(job.status)) return { percent: live.percent, stage: live.stage, etaSeconds: live.etaSeconds };
  return { percent: job.progress, stage: job.stage, etaSeconds: null };
}
