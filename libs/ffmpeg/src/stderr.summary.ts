// Pure helpers that turn ffmpeg/ffprobe stderr into a short, stable message.

const MAX_LINE_CHARS = 300;

// Lines that never explain a failure: periodic stats, the interactive hint, the generic trailer,
// and the banner/stream dump printed at the default log level.
const NOISE: readonly RegExp[] = [
  /^(?:frame|size)=\s*\S+.*\btime=/,
  /^Press \[q\] to stop/,
  /^Conversion failed!$/,
  /^Exiting normally/,
  // av_log's repeat counter: says how often the previous line occurred, not what went wrong.
  /^Last message repeated \d+ times?$/,
  /^(?:ffmpeg|ffprobe) version /,
  /^(?:built with|configuration:|lib(?:avutil|avcodec|avformat|avdevice|avfilter|swscale|swresample|postproc)\s)/,
];

/** `[h264 @ 0x55d1c0]` → `[h264]`: addresses change per run and make messages unmatchable. */
function stripAddress(line: string): string {
  return line.replace(/^\[([^\]@]+?) @ 0x[0-9a-f]+\]/i, '[$1]');
}

function clip(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 1)}…` : line;
}

/** Non-empty, trimmed, address-free stderr lines that may explain a failure, oldest first. */
export function meaningfulStderrLines(stderr: string): string[] {
  return stderr
    .split(/\r?\n|\r/)
    .map((line) => stripAddress(line.trim()))
    .filter((line) => line !== '' && !NOISE.some((noise) => noise.test(line)))
    .map(clip);
}

/** The last `maxLines` meaningful lines joined on one line, for an error message. */
export function summarizeFfmpegStderr(stderr: string, maxLines = 3): string {
  return meaningfulStderrLines(stderr).slice(-maxLines).join('; ');
}

/**
 * Why ffprobe refused an input: its first meaningful lines without the `[demuxer]` context and
 * without the echoed input URL, e.g. `moov atom not found; Invalid data found when processing input`.
 */
export function summarizeProbeStderr(stderr: string, input: string, maxLines = 2): string {
  const reasons: string[] = [];
  for (const line of meaningfulStderrLines(stderr)) {
    let reason = line.replace(/^\[[^\]]+\]\s*/, '');
    if (reason.startsWith(`${input}: `)) reason = reason.slice(input.length + 2);
    if (reason !== '' && !reasons.includes(reason)) reasons.push(reason);
    if (reasons.length === maxLines) break;
  }
  return reasons.join('; ');
}
