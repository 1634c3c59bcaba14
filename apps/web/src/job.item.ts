/**
 * The fields of a job (GET /api/media/jobs item, JobView in libs/db) the page uses. The browser bundle
 * cannot import libs/db (it carries Postgres code), so this is the page's reading of that JSON.
 */
export type JobStatus = 'queued' | 'processing' | 'completed' | 'failed' | 'cancelled';

export interface JobItem {
  jobId: string;
  fileId: string;
  status: JobStatus;
  progress: number;
  stage: string | null;
  attempts: number;
  playable: boolean;
  hlsUrl: string | null;
  posterUrl: string | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
}

/** `progress` on GET /api/events (OwnerProgressEvent in apps/api). */
export interface ProgressEvent {
  jobId: string;
  fileId: string;
  stage: string;
  percent: number;
  etaSeconds: number | null;
  speed: number | null;
}

export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

export const isTerminal = (status: JobStatus): boolean => TERMINAL_STATUSES.includes(status);
