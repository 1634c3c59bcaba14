import { FfmpegError, FfmpegFailedError } from '@reelforge/ffmpeg';
import { MediaError } from '@reelforge/media';
import { JobTimeoutError } from './job-timeout.error.js';

export interface FailureDecision {
  /** Stable code stored in transcoding_jobs.error_code. */
  code: string;
  /** What the user reads; says what went wrong and, where we know, what to do. */
  message: string;
  retryable: boolean;
}

const MAX_MESSAGE = 2_000;

/**
 * Bad media is final (retrying cannot fix the file); storage, network and crashes are transient
 * and retried with backoff. Unknown errors count as transient: a retry is cheaper than a lost job.
 */
export function decideFailure(err: unknown): FailureDecision {
  const message = (err instanceof Error ? err.message : String(err)).slice(0, MAX_MESSAGE);
  if (err instanceof MediaError) return { code: err.code, message, retryable: false };
  if (err instanceof JobTimeoutError) return { code: err.code, message, retryable: false };
  if (err instanceof FfmpegFailedError) {
    if (err.failure.kind === 'invalid_media') return { code: 'invalid_media', message, retryable: false };
    if (err.failure.kind === 'bad_arguments') return { code: 'ffmpeg_failed', message, retryable: false };
    return { code: 'ffmpeg_failed', message, retryable: true };
  }
  if (err instanceof FfmpegError) return { code: err.code, message, retryable: err.retryable };
  const code = (err as { code?: unknown })?.code;
  if (code === 'storage_not_found') {
    return { code: 'source_missing', message: `The uploaded source is gone from storage: ${message}`, retryable: false };
  }
  if (code === 'storage_unavailable') return { code: 'storage_unavailable', message, retryable: true };
  // A key the storage layer refuses stays refused: the payload is wrong, not the network.
  if (code === 'invalid_storage_key') return { code: 'invalid_job', message, retryable: false };
  if (err instanceof Error && err.name === 'ZodError') return { code: 'invalid_job', message, retryable: false };
  return { code: 'internal_error', message, retryable: true };
}
