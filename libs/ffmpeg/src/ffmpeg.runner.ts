import { detectOrphanGuard, type OrphanGuard } from '@reelforge/process';
import { FfmpegCancelledError, FfmpegFailedError } from './ffmpeg.errors.js';
import { runProcess } from './process.runner.js';
import { ProgressParser, type FfmpegProgress } from './progress.parser.js';

export interface RunFfmpegOptions {
  /** Aborting stops ffmpeg (SIGTERM, SIGKILL after `killGraceMs`) and rejects with FfmpegCancelledError. */
  signal?: AbortSignal;
  /** Called per `-progress pipe:1` block; pass `-progress pipe:1 -nostats` in the args to get any. */
  onProgress?: (progress: FfmpegProgress) => void;
  /** Called with the ffmpeg pid once it started (with setpriv, the pid is ffmpeg's after exec). */
  onSpawn?: (pid: number) => void;
  cwd?: string;
  /** Default `ffmpeg` (looked up in PATH). */
  ffmpegPath?: string;
  /** From detectOrphanGuard() at start-up; detected per call when omitted. */
  orphanGuard?: OrphanGuard;
  /** Default 2000 ms. ffmpeg answers SIGTERM by finishing its outputs, which we do not want to wait for. */
  killGraceMs?: number;
  /** Default 64 KiB: enough for the error, flat for hour-long encodes. */
  stderrTailBytes?: number;
}

export interface FfmpegRunResult {
  /** Wall-clock time ffmpeg ran. */
  durationMs: number;
  stderrTail: string;
}

export const DEFAULT_KILL_GRACE_MS = 2_000;
export const DEFAULT_STDERR_TAIL_BYTES = 64 * 1024;

/**
 * Runs ffmpeg with exactly `args` (no shell, nothing added) and resolves when it exits 0.
 * Rejects with FfmpegFailedError (non-zero exit or foreign signal), FfmpegCancelledError (signal
 * aborted), FfmpegNotFoundError (binary missing), or whatever `onProgress`/`onSpawn` threw.
 */
export async function runFfmpeg(args: readonly string[], options: RunFfmpegOptions = {}): Promise<FfmpegRunResult> {
  const file = options.ffmpegPath ?? 'ffmpeg';
  const guard = options.orphanGuard ?? (await detectOrphanGuard());
  const parser = new ProgressParser();
  const onProgress = options.onProgress;
  const emit = (reports: FfmpegProgress[]): void => {
    if (onProgress !== undefined) for (const report of reports) onProgress(report);
  };

  const result = await runProcess({
    file,
    args,
    guard,
    cwd: options.cwd,
    signal: options.signal,
    killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    stderrTailBytes: options.stderrTailBytes ?? DEFAULT_STDERR_TAIL_BYTES,
    onStdout: onProgress === undefined ? undefined : (text) => emit(parser.push(text)),
    onSpawn: options.onSpawn,
  });

  if (result.stoppedBy !== null) throw new FfmpegCancelledError(file, options.signal?.reason);
  if (result.exitCode === 0) {
    emit(parser.end());
    return { durationMs: result.durationMs, stderrTail: result.stderrTail };
  }
  throw new FfmpegFailedError({ program: file, exitCode: result.exitCode, signal: result.signal, stderrTail: result.stderrTail });
}
