import { AppError } from '@reelforge/errors';

/**
 * The attempt ran past its time limit (JOB_TIMEOUT_FLOOR_S + JOB_TIMEOUT_FACTOR × duration) and its
 * ffmpeg was killed. Final: a retry would take as long again.
 */
export class JobTimeoutError extends AppError<'job_timeout'> {
  constructor(readonly limitMs: number) {
    super('job_timeout', `The transcode ran longer than its time limit of ${Math.round(limitMs / 1000)} s and was stopped.`, {
      details: { limitS: Math.round(limitMs / 1000) },
    });
  }
}
