import { basename } from 'node:path';
import { detectOrphanGuard, type OrphanGuard } from '@reelforge/process';
import { FfmpegCancelledError, FfmpegFailedError, ProbeFailedError, ProbeTimeoutError } from './ffmpeg.errors.js';
import { DEFAULT_KILL_GRACE_MS } from './ffmpeg.runner.js';
import { runProcess, type ProcessResult } from './process.runner.js';
import { summarizeProbeStderr } from './stderr.summary.js';

const STDERR_TAIL_BYTES = 16 * 1024;

export interface FfprobeRun {
  /** The file ffprobe reads, as the caller named it (its base name goes into error messages). */
  path: string;
  args: string[];
  ffprobePath: string | undefined;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  orphanGuard: OrphanGuard | undefined;
  onStdout: (text: string) => void;
  /** What an unexplained non-zero exit says after "ffprobe exited with code N". */
  exitContext?: string;
}

/**
 * Runs ffprobe to its end and turns every way it can stop short into the error that says why: the
 * caller's abort, the time limit, a signal from outside (the machine's fault, not the file's), or a
 * non-zero exit (the file's, with ffprobe's own reason). Resolves with the result of a clean exit.
 */
export async function runFfprobe(run: FfprobeRun): Promise<ProcessResult> {
  const file = run.ffprobePath ?? 'ffprobe';
  const input = run.args[run.args.length - 1] as string;
  const name = basename(run.path);
  const result = await runProcess({
    file,
    args: run.args,
    guard: run.orphanGuard ?? (await detectOrphanGuard()),
    signal: run.signal,
    timeoutMs: run.timeoutMs,
    killGraceMs: DEFAULT_KILL_GRACE_MS,
    stderrTailBytes: STDERR_TAIL_BYTES,
    onStdout: run.onStdout,
  });
  if (result.stoppedBy === 'abort') throw new FfmpegCancelledError(file, run.signal?.reason);
  if (result.stoppedBy === 'timeout') throw new ProbeTimeoutError(name, run.timeoutMs);
  if (result.signal !== null) throw new FfmpegFailedError({ program: file, exitCode: null, signal: result.signal, stderrTail: result.stderrTail });
  if (result.exitCode !== 0) {
    const reason = summarizeProbeStderr(result.stderrTail, input);
    const fallback = `ffprobe exited with code ${result.exitCode}${run.exitContext ? ` ${run.exitContext}` : ''}`;
    throw new ProbeFailedError(name, reason === '' ? fallback : reason, result.stderrTail);
  }
  return result;
}
