export interface SegmentSize {
  durationS: number;
  bytes: number;
}

/** Bits per second, as HLS BANDWIDTH and AVERAGE-BANDWIDTH want them. */
export interface BitrateMeasure {
  peakBps: number;
  averageBps: number;
}

function bitsPerSecond(bytes: number, durationS: number): number {
  return (bytes * 8) / durationS;
}

/**
 * Measures a rendition from its real segments (sizes from disk, durations from EXTINF).
 * averageBps = all bits / all seconds. peakBps follows RFC 8216 §4.3.4.2: the highest bitrate of any
 * run of consecutive segments lasting 0.5–1.5 × the target duration, so a short last segment that is
 * mostly one keyframe does not pass for the peak. With regular segments this is the largest per-segment
 * bitrate. Both round up, so the playlist never understates.
 * @param targetDurationS EXT-X-TARGETDURATION; defaults to the longest segment rounded up, as ffmpeg writes it.
 */
export function measureRendition(segments: readonly SegmentSize[], targetDurationS?: number): BitrateMeasure {
  if (segments.length === 0) throw new RangeError('cannot measure a rendition without segments');
  if (segments.some((segment) => !(segment.durationS > 0) || !(segment.bytes >= 0))) {
    throw new RangeError('segment durations must be positive and sizes non-negative');
  }
  const target = targetDurationS ?? Math.ceil(Math.max(...segments.map((segment) => segment.durationS)));
  const totalBytes = segments.reduce((sum, segment) => sum + segment.bytes, 0);
  const totalDuration = segments.reduce((sum, segment) => sum + segment.durationS, 0);

  let peak = 0;
  for (let start = 0; start < segments.length; start += 1) {
    let bytes = 0;
    let duration = 0;
    for (let end = start; end < segments.length && duration <= 1.5 * target; end += 1) {
      const segment = segments[end] as SegmentSize;
      bytes += segment.bytes;
      duration += segment.durationS;
      if (duration >= 0.5 * target && duration <= 1.5 * target) peak = Math.max(peak, bitsPerSecond(bytes, duration));
    }
  }
  // A media shorter than half a target duration has no qualifying run: the whole of it is the peak.
  if (peak === 0) peak = bitsPerSecond(totalBytes, totalDuration);
  return { peakBps: Math.ceil(peak), averageBps: Math.ceil(bitsPerSecond(totalBytes, totalDuration)) };
}
