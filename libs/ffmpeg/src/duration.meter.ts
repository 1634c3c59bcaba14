import { basename, resolve } from 'node:path';
import { buildDurationMeasureArgs, PacketSpanMeter } from '@reelforge/media';
import { detectOrphanGuard, type OrphanGuard } from '@reelforge/process';
import { FfmpegCancelledError, FfmpegFailedError, ProbeFailedError, ProbeTimeoutError } from './ffmpeg.errors.js';
import { DEFAULT_KILL_GRACE_MS } from './ffmpeg.runner.js';
import { runProcess } from './process.runner.js';
import { summarizeProbeStderr } from './stderr.summary.js';

export interface MeasureDurationOptions {
  signal?: AbortSignal;
  /** Default 120 s: the pass reads the whole file, a few seconds per GB on local disk. */
  timeoutMs?: number;
  /** Default `ffprobe` (looked up in PATH). */
  ffprobePath?: string;
  /** From detectOrphanGuard() at start-up; detected per call when omitted. */
  orphanGuard?: OrphanGuard;
}

export const DEFAULT_MEASURE_TIMEOUT_MS = 120_000;
const STDERR_TAIL_BYTES = 16 * 1024;

/**
 * Measures a file's duration from its packets (demuxing only, no decoding): for inputs whose
 * container states none, such as MediaRecorder WebM. The packet list is read as it streams, one
 * line at a time, so memory stays flat however long the file is. Resolves null when the file has no
 * timed audio or video packet.
 */
export async function measureDuration(path: string, options: MeasureDurationOptions = {}): Promise<number | null> {
  const file = options.ffprobePath ?? 'ffprobe';
  const args = buildDurationMeasureArgs(resolve(path));
  const input = args[args.length - 1] as string;
  const name = basename(path);
  const timeoutMs = options.timeoutMs ?? DEFAULT_MEASURE_TIMEOUT_MS;
  const meter = new PacketSpanMeter();
  let partial = '';

  const result = await runProcess({
    file,
    args,
    guard: options.orphanGuard ?? (await detectOrphanGuard()),
    signal: options.signal,
    timeoutMs,
    killGraceMs: DEFAULT_KILL_GRACE_MS,
    stderrTailBytes: STDERR_TAIL_BYTES,
    onStdout: (text) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) meter.push(line);
    },
  });
  meter.push(partial);

  if (result.stoppedBy === 'abort') throw new FfmpegCancelledError(file, options.signal?.reason);
  if (result.stoppedBy === 'timeout') throw new ProbeTimeoutError(name, timeoutMs);
  if (result.signal !== null) throw new FfmpegFailedError({ program: file, exitCode: null, signal: result.signal, stderrTail: result.stderrTail });
  if (result.exitCode !== 0) {
    const reason = summarizeProbeStderr(result.stderrTail, input);
    throw new ProbeFailedError(name, reason === '' ? `ffprobe exited with code ${result.exitCode} while measuring the duration` : reason, result.stderrTail);
  }
  return meter.durationS();
}
