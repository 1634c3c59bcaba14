import { parseEncoderNames, parseFilterNames, parseVersion } from './capabilities.parser.js';
import { FfmpegCancelledError, FfmpegFailedError } from './ffmpeg.errors.js';
import { DEFAULT_KILL_GRACE_MS } from './ffmpeg.runner.js';
import { runProcess } from './process.runner.js';

export interface FfmpegCapabilities {
  ffmpegVersion: string;
  ffprobeVersion: string;
  /** libx264 and aac are what the HLS ladder needs. */
  encoders: { libx264: boolean; aac: boolean };
  /** zscale + tonemap are needed to map HDR sources to SDR. */
  filters: { zscale: boolean; tonemap: boolean };
}

export interface CheckFfmpegOptions {
  ffmpegPath?: string;
  ffprobePath?: string;
  signal?: AbortSignal;
  /** Per command; default 10 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const OUTPUT_LIMIT_CHARS = 4 * 1024 * 1024;

/** Runs a short informational command and returns its stdout. */
async function capture(file: string, args: string[], options: CheckFfmpegOptions): Promise<string> {
  const chunks: string[] = [];
  let size = 0;
  const result = await runProcess({
    file,
    args,
    // Short-lived, bounded by the timeout: no need to tie it to our life.
    guard: { kind: 'none', warning: 'short-lived capability check' },
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    killGraceMs: DEFAULT_KILL_GRACE_MS,
    stderrTailBytes: 16 * 1024,
    onStdout: (text) => {
      size += text.length;
      if (size <= OUTPUT_LIMIT_CHARS) chunks.push(text);
    },
  });
  if (result.stoppedBy === 'abort') throw new FfmpegCancelledError(file, options.signal?.reason);
  if (result.stoppedBy !== null || result.exitCode !== 0) {
    const stderrTail = result.stoppedBy === 'timeout' ? `${file} ${args.join(' ')} timed out` : result.stderrTail;
    throw new FfmpegFailedError({ program: file, exitCode: result.exitCode, signal: result.signal, stderrTail });
  }
  return chunks.join('');
}

/** The installed ffprobe's version, for a process that only probes (the API sniffing uploads). */
export async function checkFfprobe(options: Pick<CheckFfmpegOptions, 'ffprobePath' | 'signal' | 'timeoutMs'> = {}): Promise<{ ffprobeVersion: string }> {
  const ffprobe = options.ffprobePath ?? 'ffprobe';
  return { ffprobeVersion: parseVersion(await capture(ffprobe, ['-hide_banner', '-version'], options), 'ffprobe') ?? 'unknown' };
}

/** What the installed ffmpeg/ffprobe can do: for `reelforge doctor` and worker start-up. */
export async function checkFfmpeg(options: CheckFfmpegOptions = {}): Promise<FfmpegCapabilities> {
  const ffmpeg = options.ffmpegPath ?? 'ffmpeg';
  const ffprobe = options.ffprobePath ?? 'ffprobe';
  const [ffmpegVersionOut, ffprobeVersionOut, encodersOut, filtersOut] = await Promise.all([
    capture(ffmpeg, ['-hide_banner', '-version'], options),
    capture(ffprobe, ['-hide_banner', '-version'], options),
    capture(ffmpeg, ['-hide_banner', '-encoders'], options),
    capture(ffmpeg, ['-hide_banner', '-filters'], options),
  ]);
  const encoders = parseEncoderNames(encodersOut);
  const filters = parseFilterNames(filtersOut);
  return {
    ffmpegVersion: parseVersion(ffmpegVersionOut, 'ffmpeg') ?? 'unknown',
    ffprobeVersion: parseVersion(ffprobeVersionOut, 'ffprobe') ?? 'unknown',
    encoders: { libx264: encoders.has('libx264'), aac: encoders.has('aac') },
    filters: { zscale: filters.has('zscale'), tonemap: filters.has('tonemap') },
  };
}
