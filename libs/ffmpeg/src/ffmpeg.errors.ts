import { AppError } from '@reelforge/errors';
import { classifyFfmpegFailure, type FfmpegFailure } from './failure.classifier.js';
import { summarizeFfmpegStderr } from './stderr.summary.js';

export type FfmpegErrorCode = 'invalid_media' | 'ffmpeg_missing' | 'ffmpeg_failed' | 'cancelled' | 'probe_timeout';

/**
 * Base of every error this lib throws. `code` is stable (jobs store it); `retryable` tells the worker
 * whether to let BullMQ retry or to throw an UnrecoverableError.
 */
export abstract class FfmpegError extends AppError<FfmpegErrorCode> {
  abstract readonly retryable: boolean;
}

/** ffprobe could not read the file: missing, empty, not media, or broken beyond probing. */
export class ProbeFailedError extends FfmpegError {
  readonly retryable = false;

  constructor(
    readonly fileName: string,
    readonly reason: string,
    readonly stderrTail: string,
  ) {
    super('invalid_media', `ffprobe could not read "${fileName}": ${reason}`);
  }
}

/** ffprobe ran longer than allowed and was killed. Retryable: a loaded machine is the usual cause. */
export class ProbeTimeoutError extends FfmpegError {
  readonly retryable = true;

  constructor(
    readonly fileName: string,
    readonly timeoutMs: number,
  ) {
    super('probe_timeout', `ffprobe did not finish reading "${fileName}" within ${timeoutMs} ms and was killed`);
  }
}

/**
 * The ffmpeg/ffprobe binary (or the setpriv wrapper) is not installed or not executable.
 * Retryable because it is a fault of this machine, not of the job: another worker may have it.
 */
export class FfmpegNotFoundError extends FfmpegError {
  readonly retryable = true;

  constructor(
    readonly binary: string,
    detail: string,
  ) {
    const install = binary.endsWith('setpriv')
      ? `Install Debian's "util-linux" package`
      : `Install Debian's "ffmpeg" package (apt-get install ffmpeg), or pass the binary's path`;
    super('ffmpeg_missing', `${binary} could not be started (${detail}). ${install}.`);
  }
}

export interface FfmpegExit {
  /** `ffmpeg` or `ffprobe`, as named by the caller. */
  program: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
}

/** Someone else's signal (the OOM killer, an operator) says nothing about the input: retry. */
const KILLED_BY_SIGNAL: FfmpegFailure = { kind: 'transient', retryable: true, evidence: null };

/**
 * ffmpeg's exit status when the share of packets that failed to decode passed `-max_error_rate`
 * (fftools exits with 69 for nothing else). The input is damaged; a retry decodes the same bytes.
 */
export const DECODE_ERROR_RATE_EXIT_CODE = 69;
const TOO_MANY_DECODE_ERRORS: FfmpegFailure = {
  kind: 'invalid_media',
  retryable: false,
  evidence: 'too many packets failed to decode (-max_error_rate exceeded)',
};

function failureOf(exit: FfmpegExit): FfmpegFailure {
  if (exit.signal !== null) return KILLED_BY_SIGNAL;
  if (exit.exitCode === DECODE_ERROR_RATE_EXIT_CODE) return TOO_MANY_DECODE_ERRORS;
  return classifyFfmpegFailure(exit.stderrTail);
}

/** ffmpeg/ffprobe exited non-zero or was killed by someone else (e.g. the OOM killer). */
export class FfmpegFailedError extends FfmpegError {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderrTail: string;
  readonly failure: FfmpegFailure;

  constructor(exit: FfmpegExit) {
    const failure = failureOf(exit);
    const how = exit.signal === null ? `exited with code ${exit.exitCode}` : `was killed by ${exit.signal}`;
    const why = failure === TOO_MANY_DECODE_ERRORS ? ` (${failure.evidence})` : '';
    const summary = summarizeFfmpegStderr(exit.stderrTail);
    super('ffmpeg_failed', `${exit.program} ${how}${why}${summary === '' ? '' : `: ${summary}`}`);
    this.exitCode = exit.exitCode;
    this.signal = exit.signal;
    this.stderrTail = exit.stderrTail;
    this.failure = failure;
  }

  get retryable(): boolean {
    return this.failure.retryable;
  }
}

/** The caller's AbortSignal fired; the process was stopped (SIGTERM, then SIGKILL after a grace period). */
export class FfmpegCancelledError extends FfmpegError {
  readonly retryable = false;

  constructor(binary: string, reason: unknown) {
    super('cancelled', `${binary} was cancelled`, { cause: reason });
  }
}
