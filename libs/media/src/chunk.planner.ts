/** CHUNK_SECONDS and CHUNK_MIN_DURATION_S: how long a chunk is, and from what input length chunking pays. */
export interface ChunkSettings {
  chunkSeconds: number;
  minDurationS: number;
}

/**
 * One time range of the input, encoded by one worker: the frames whose (constant-rate) timestamps
 * fall in [startS, startS + durationS), as segments numbered firstSegment onwards.
 */
export interface ChunkRange {
  index: number;
  startS: number;
  durationS: number;
  firstSegment: number;
  segmentCount: number;
  /**
   * The last chunk runs to the end of the input, whatever the probe said: its durationS and
   * segmentCount are what the planned duration gives, the encoder's own playlist has the real count.
   */
  last: boolean;
}

/** A tail shorter than this share of a chunk joins the chunk before it: a tiny chunk costs a worker's startup and seek for little. */
const MIN_TAIL_SHARE = 0.5;

function assertPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number (got ${value})`);
}

/**
 * The chunks of an input, or null when it is encoded in one pass: shorter than minDurationS, or
 * short enough to give a single chunk. Chunks are chunkSeconds rounded to a whole number of
 * segments (at least one), so every chunk starts on a segment boundary of the single-pass timeline.
 */
export function planChunks(durationS: number, segmentSeconds: number, settings: ChunkSettings): ChunkRange[] | null {
  assertPositive('durationS', durationS);
  assertPositive('chunkSeconds', settings.chunkSeconds);
  if (!Number.isInteger(segmentSeconds) || segmentSeconds < 1) throw new RangeError(`segmentSeconds must be a positive integer (got ${segmentSeconds})`);
  if (!Number.isFinite(settings.minDurationS) || settings.minDurationS < 0) throw new RangeError(`minDurationS must be zero or more (got ${settings.minDurationS})`);
  if (durationS < settings.minDurationS) return null;

  const segmentsPerChunk = Math.max(1, Math.round(settings.chunkSeconds / segmentSeconds));
  const chunkS = segmentsPerChunk * segmentSeconds;
  const whole = Math.floor(durationS / chunkS);
  const tailS = durationS - whole * chunkS;
  const count = whole === 0 || tailS >= chunkS * MIN_TAIL_SHARE ? whole + 1 : whole;
  if (count < 2) return null;

  const totalSegments = Math.ceil(durationS / segmentSeconds);
  return Array.from({ length: count }, (_, index) => {
    const last = index === count - 1;
    const startS = index * chunkS;
    const firstSegment = index * segmentsPerChunk;
    return {
      index,
      startS,
      // Rounded to the microsecond (ffmpeg's time unit) so 20.9 − 12 is 8.9, not 8.899999999999999.
      durationS: last ? Math.round((durationS - startS) * 1e6) / 1e6 : chunkS,
      firstSegment,
      segmentCount: last ? totalSegments - firstSegment : segmentsPerChunk,
      last,
    };
  });
}
