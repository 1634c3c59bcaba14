import { basename, resolve } from 'node:path';
import type { OrphanGuard } from '@reelforge/process';
import { z } from 'zod';
import { ProbeFailedError } from './ffmpeg.errors.js';
import { runFfprobe } from './ffprobe.process.js';

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
  const name = basename(path);
  const chunks: string[] = [];
  let size = 0;
  const result = await runFfprobe({
    path,
    args: ffprobeArgs(path, options.allowedFormats),
    ffprobePath: options.ffprobePath,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
    orphanGuard: options.orphanGuard,
    onStdout: (text) => {
      size += text.length;
      if (size > MAX_STDOUT_CHARS) throw new ProbeFailedError(name, 'ffprobe output is larger than 16 MiB', '');
      chunks.push(text);
    },
  });

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
