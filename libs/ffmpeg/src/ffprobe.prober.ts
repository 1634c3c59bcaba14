import { basename, resolve } from 'node:path';
import { detectOrphanGuard, type OrphanGuard } from '@reelforge/process';
import { z } from 'zod';
import { FfmpegCancelledError, FfmpegFailedError, ProbeFailedError, ProbeTimeoutError } from './ffmpeg.errors.js';
import { DEFAULT_KILL_GRACE_MS } from './ffmpeg.runner.js';
import { runProcess } from './process.runner.js';
import { summarizeProbeStderr } from './stderr.summary.js';

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Default 30 s; ffprobe is killed and ProbeTimeoutError thrown after it. */
  timeoutMs?: number;
  /** Default `ffprobe` (looked up in PATH). */
  ffprobePath?: string;
  /** From detectOrphanGuard() at start-up; detected per call when omitted. */
  orphanGuard?: OrphanGuard;
  /**
   * Demuxers ffprobe may use (`-format_whitelist`), e.g. `['mov', 'mp4', 'matroska', 'webm']`.
   * Without it an uploaded HLS playlist named .mp4 is probed (and later transcoded) as `hls`,
   * reading whatever local files it lists.
   */
  allowedFormats?: readonly string[];
}

export const DEFAULT_PROBE_TIMEOUT_MS = 30_000;
const STDERR_TAIL_BYTES = 16 * 1024;
// Real probe output is a few KiB; a file claiming thousands of streams must not exhaust memory.
const MAX_STDOUT_CHARS = 16 * 1024 * 1024;

// Only what makes the output usable at all; libs/media parses the rest.
const probeOutputSchema = z.looseObject({
  format: z.looseObject({}),
  streams: z
    .array(z.looseObject({ codec_type: z.string().optional() }))
    .refine((streams) => streams.some((stream) => stream.codec_type === 'video' || stream.codec_type === 'audio')),
});

/**
 * ffprobe arguments. The input goes through the `file:` protocol so a name starting with `-` or
 * looking like a URL or `concat:` list is read as a plain local path.
 */
export function ffprobeArgs(path: string, allowedFormats: readonly string[] = []): string[] {
  const whitelist = allowedFormats.length === 0 ? [] : ['-format_whitelist', allowedFormats.join(',')];
  return ['-v', 'error', '-hide_banner', '-print_format', 'json', '-show_format', '-show_streams', '-protocol_whitelist', 'file', ...whitelist, '-i', `file:${resolve(path)}`];
}

/**
 * Runs ffprobe on a local file and returns its JSON (`{ format, streams }`) unparsed beyond a shape
 * check; libs/media turns it into facts. ffprobe is spawned directly rather than through
 * fluent-ffmpeg's `ffprobe()`: that one reads ffprobe's INI output and flattens nested side data
 * (the Display Matrix `rotation` of phone videos), turns `channel_layout: "5.1"` into the number
 * 5.1, and exposes no process handle for a timeout or an AbortSignal.
 */
export async function probe(path: string, options: ProbeOptions = {}): Promise<unknown> {
  const file = options.ffprobePath ?? 'ffprobe';
  const args = ffprobeArgs(path, options.allowedFormats);
  const input = args[args.length - 1] as string;
  const name = basename(path);
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const chunks: string[] = [];
  let size = 0;

  const result = await runProcess({
    file,
    args,
    guard: options.orphanGuard ?? (await detectOrphanGuard()),
    signal: options.signal,
    timeoutMs,
    killGraceMs: DEFAULT_KILL_GRACE_MS,
    stderrTailBytes: STDERR_TAIL_BYTES,
    onStdout: (text) => {
      size += text.length;
      if (size > MAX_STDOUT_CHARS) throw new ProbeFailedError(name, 'ffprobe output is larger than 16 MiB', '');
      chunks.push(text);
    },
  });

  if (result.stoppedBy === 'abort') throw new FfmpegCancelledError(file, options.signal?.reason);
  if (result.stoppedBy === 'timeout') throw new ProbeTimeoutError(name, timeoutMs);
  // Killed by someone else (OOM killer, operator): a fault of the machine, not of the file.
  if (result.signal !== null) throw new FfmpegFailedError({ program: file, exitCode: null, signal: result.signal, stderrTail: result.stderrTail });
  if (result.exitCode !== 0) {
    const reason = summarizeProbeStderr(result.stderrTail, input);
    throw new ProbeFailedError(name, reason === '' ? `ffprobe exited with code ${result.exitCode}` : reason, result.stderrTail);
  }

  let json: unknown;
  try {
    json = JSON.parse(chunks.join(''));
  } catch {
    throw new ProbeFailedError(name, 'ffprobe printed output that is not JSON', result.stderrTail);
  }
  if (!probeOutputSchema.safeParse(json).success) {
    throw new ProbeFailedError(name, 'no audio or video streams found', result.stderrTail);
  }
  return json;
}
