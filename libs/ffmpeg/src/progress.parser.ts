/**
 * One `-progress` report. ffmpeg prints a block of `key=value` lines ending with
 * `progress=continue` (about every 0.5 s) and a final block ending with `progress=end`.
 * Values ffmpeg reports as `N/A` (or, in old versions, as huge negative times before the first
 * packet) are `null`.
 */
export interface FfmpegProgress {
  /** Video frames written so far. */
  frame: number | null;
  /** Encoding speed in frames per second. */
  fps: number | null;
  /** Position reached in the output timeline, in milliseconds. */
  outTimeMs: number | null;
  /** Realtime factor: `2.31x` → 2.31. */
  speed: number | null;
  /** Bytes written to the output so far (N/A for outputs without a size, e.g. HLS or null). */
  totalSizeBytes: number | null;
  /** Output bitrate in kbit/s. */
  bitrateKbps: number | null;
  dupFrames: number | null;
  dropFrames: number | null;
  /** True on the last report (`progress=end`). */
  done: boolean;
  /** Every key of the block as printed, including per-stream ones such as `stream_0_0_q`. */
  raw: Readonly<Record<string, string>>;
}

// A line longer than this cannot be progress output; dropping it keeps memory flat if a caller
// points something else at the same pipe.
const MAX_LINE_CHARS = 4096;
const MAX_BLOCK_KEYS = 256;

// No prototype: a key printed as `__proto__` must stay data.
function emptyFields(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

function parseNumber(value: string | undefined): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'N/A') return null;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : null;
}

function parseNonNegative(value: string | undefined): number | null {
  const parsed = parseNumber(value);
  return parsed === null || parsed < 0 ? null : parsed;
}

/** `01:02:03.456789` → microseconds; null for N/A or negative (pre-first-packet) times. */
function parseClockUs(value: string | undefined): number | null {
  if (value === undefined) return null;
  const match = /^(\d+):([0-5]?\d):([0-5]?\d(?:\.\d+)?)$/.exec(value.trim());
  if (match === null) return null;
  const [, hours, minutes, seconds] = match;
  return Math.round((Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1_000_000);
}

/** Prefers `out_time_us`; `out_time_ms` is also microseconds (an ffmpeg naming bug); then `out_time`. */
function parseOutTimeMs(fields: Readonly<Record<string, string>>): number | null {
  const us = parseNonNegative(fields.out_time_us) ?? parseNonNegative(fields.out_time_ms) ?? parseClockUs(fields.out_time);
  return us === null ? null : Math.floor(us / 1000);
}

function parseSuffixed(value: string | undefined, suffix: RegExp): number | null {
  if (value === undefined) return null;
  return parseNonNegative(value.trim().replace(suffix, ''));
}

/** Turns the fields of one block into a report. */
function progressFromFields(fields: Readonly<Record<string, string>>): FfmpegProgress {
  return {
    frame: parseNonNegative(fields.frame),
    fps: parseNonNegative(fields.fps),
    outTimeMs: parseOutTimeMs(fields),
    speed: parseSuffixed(fields.speed, /x$/),
    totalSizeBytes: parseNonNegative(fields.total_size),
    bitrateKbps: parseSuffixed(fields.bitrate, /kbits\/s$/),
    dupFrames: parseNonNegative(fields.dup_frames),
    dropFrames: parseNonNegative(fields.drop_frames),
    done: fields.progress?.trim() === 'end',
    raw: { ...fields },
  };
}

/** `key=value` → [key, value], both trimmed (ffmpeg pads `speed=  2.3x`); anything else → null. */
export function parseProgressLine(line: string): [string, string] | null {
  const eq = line.indexOf('=');
  const key = eq === -1 ? '' : line.slice(0, eq).trim();
  if (key === '') return null;
  return [key, line.slice(eq + 1).trim()];
}

/** Pure: parses the text of one complete block (lines separated by LF or CRLF). */
export function parseProgressBlock(text: string): FfmpegProgress {
  const fields = emptyFields();
  for (const line of text.split(/\r?\n/)) {
    const pair = parseProgressLine(line);
    if (pair !== null) fields[pair[0]] = pair[1];
  }
  return progressFromFields(fields);
}

/**
 * Streaming parser for `-progress pipe:1` output: feed it stdout chunks as they arrive (split
 * anywhere, even inside a line or a CRLF) and get back the blocks they completed.
 */
export class ProgressParser {
  private partial = '';
  private fields = emptyFields();
  private keys = 0;

  push(chunk: string): FfmpegProgress[] {
    const reports: FfmpegProgress[] = [];
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > MAX_LINE_CHARS) this.partial = '';
    for (const line of lines) {
      const report = this.acceptLine(line);
      if (report !== null) reports.push(report);
    }
    return reports;
  }

  /** Call when the stream ends: a last line without a newline still counts. */
  end(): FfmpegProgress[] {
    const last = this.partial;
    this.partial = '';
    const report = last === '' ? null : this.acceptLine(last);
    return report === null ? [] : [report];
  }

  private acceptLine(line: string): FfmpegProgress | null {
    if (line.length > MAX_LINE_CHARS) return null;
    const pair = parseProgressLine(line);
    if (pair === null) return null;
    const [key, value] = pair;
    if (!(key in this.fields)) this.keys += 1;
    this.fields[key] = value;
    if (key === 'progress') {
      const report = progressFromFields(this.fields);
      this.fields = emptyFields();
      this.keys = 0;
      return report;
    }
    if (this.keys > MAX_BLOCK_KEYS) {
      this.fields = emptyFields();
      this.keys = 0;
    }
    return null;
  }
}
