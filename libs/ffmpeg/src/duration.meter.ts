import { resolve } from 'node:path';
import { buildDurationMeasureArgs, PacketSpanMeter } from '@reelforge/media';
import type { OrphanGuard } from '@reelforge/process';
import { runFfprobe } from './ffprobe.process.js';

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

/**
 * Measures a file's duration from its packets (demuxing only, no decoding): for inputs whose
 * container states none, such as MediaRecorder WebM. The packet list is read as it streams, one
 * line at a time, so memory stays flat however long the file is. Resolves null when the file has no
 * timed audio or video packet.
 */
export async function measureDuration(path: string, options: MeasureDurationOptions = {}): Promise<number | null> {
  const meter = new PacketSpanMeter();
  let partial = '';
  await runFfprobe({
    path,
    args: buildDurationMeasureArgs(resolve(path)),
    ffprobePath: options.ffprobePath,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? DEFAULT_MEASURE_TIMEOUT_MS,
    orphanGuard: options.orphanGuard,
    exitContext: 'while measuring the duration',
    onStdout: (text) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) meter.push(line);
    },
  });
  meter.push(partial);
  return meter.durationS();
}
