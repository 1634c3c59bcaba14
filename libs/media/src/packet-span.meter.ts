/** Stream types whose packets make up a media file's duration; subtitles and data do not. */
const TIMED_TYPES = new Set(['video', 'audio']);

function readTime(text: string | undefined): number | null {
  if (text === undefined || text === 'N/A') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/**
 * The span of a file's audio and video packets, fed line by line from ffprobe's compact packet list
 * (buildDurationMeasureArgs): from the earliest start to the latest end (pts + duration), the way
 * ffmpeg computes a container duration from its streams. Holds two numbers, whatever the file's length.
 */
export class PacketSpanMeter {
  private start = Number.POSITIVE_INFINITY;
  private end = Number.NEGATIVE_INFINITY;

  /** One line such as `codec_type=video|pts_time=1.974000|dts_time=1.974000|duration_time=0.033000`. */
  push(line: string): void {
    const fields = new Map<string, string>();
    for (const pair of line.split('|')) {
      const equals = pair.indexOf('=');
      if (equals > 0) fields.set(pair.slice(0, equals), pair.slice(equals + 1).trim());
    }
    if (!TIMED_TYPES.has(fields.get('codec_type') ?? '')) return;
    const at = readTime(fields.get('pts_time')) ?? readTime(fields.get('dts_time'));
    if (at === null) return;
    const duration = readTime(fields.get('duration_time'));
    this.start = Math.min(this.start, at);
    this.end = Math.max(this.end, at + (duration !== null && duration > 0 ? duration : 0));
  }

  /** Seconds from the first packet's start to the last packet's end; null when no timed packet was seen or the span is empty. */
  durationS(): number | null {
    const span = this.end - this.start;
    return Number.isFinite(span) && span > 0 ? Math.round(span * 1e6) / 1e6 : null;
  }
}
