/**
 * Bits per pixel for H.264 (x264, veryfast) at 30 fps, by the rendition's short side. Bigger frames
 * compress better, so they need fewer bits per pixel; 0.09 at 1080p30 gives 5.6 Mbps, in line with
 * Apple's HLS authoring guidance (6 Mbps for 1080p).
 */
const BPP_AT_30_FPS: ReadonlyArray<{ maxShortSide: number; bpp: number }> = [
  { maxShortSide: 720, bpp: 0.1 },
  { maxShortSide: 1080, bpp: 0.09 },
  { maxShortSide: 1440, bpp: 0.08 },
  { maxShortSide: Number.POSITIVE_INFINITY, bpp: 0.07 },
];

/** No rendition is planned below this, whatever the table or the source says. */
export const MIN_VIDEO_KBPS = 200;
/** A re-encode never needs much more than the source spent: cap at 110 % of the source video bitrate. */
export const SOURCE_BITRATE_HEADROOM = 1.1;
/**
 * maxrate 107 % of the target keeps x264 close to a constant bitrate, so each segment's measured peak
 * stays near the average (HLS players pick variants by BANDWIDTH, the peak). bufsize 1.5 × maxrate
 * lets the encoder spend about 1.5 s of bits on a hard scene, well under one 4 s segment.
 */
export const MAXRATE_FACTOR = 1.07;
export const BUFSIZE_FACTOR = 1.5;

/**
 * Roughly how many H.264 bits match one bit of a newer codec at equal quality. Without it a modest
 * HEVC or VP9 source would cap the H.264 ladder far below what the same picture needs.
 */
const H264_BITS_PER_SOURCE_BIT: Readonly<Record<string, number>> = { hevc: 1.5, vp9: 1.5, av1: 1.8 };

export function h264EquivalentKbps(sourceKbps: number, sourceCodec: string): number {
  return sourceKbps * (H264_BITS_PER_SOURCE_BIT[sourceCodec] ?? 1);
}

/** Two significant digits: 5598.7 → 5600, 691.2 → 690. */
export function roundClean(kbps: number, mode: 'nearest' | 'down' = 'nearest'): number {
  const step = 10 ** Math.max(0, Math.floor(Math.log10(kbps)) - 1);
  const steps = mode === 'down' ? Math.floor(kbps / step) : Math.round(kbps / step);
  return steps * step;
}

/**
 * Target video kbps for a frame size and rate. Motion between frames is partly predictable, so doubling
 * the frame rate costs about √2 in bits, not 2×: bpp scales by √(30 / fps).
 */
export function tableVideoKbps(width: number, height: number, fps: number): number {
  const shortSide = Math.min(width, height);
  const bpp = BPP_AT_30_FPS.find((row) => shortSide <= row.maxShortSide)?.bpp ?? 0.07;
  const effectiveBpp = bpp * Math.sqrt(30 / fps);
  return roundClean((width * height * fps * effectiveBpp) / 1000);
}

/** The table value, lowered to 110 % of the source video bitrate when known, never below MIN_VIDEO_KBPS. */
export function cappedVideoKbps(tableKbps: number, sourceVideoKbps: number | null): number {
  const cap = sourceVideoKbps === null ? Number.POSITIVE_INFINITY : roundClean(sourceVideoKbps * SOURCE_BITRATE_HEADROOM, 'down');
  return Math.max(MIN_VIDEO_KBPS, Math.min(tableKbps, cap));
}

export function rateControl(videoKbps: number): { maxrateKbps: number; bufsizeKbps: number } {
  const maxrateKbps = Math.round(videoKbps * MAXRATE_FACTOR);
  return { maxrateKbps, bufsizeKbps: Math.round(maxrateKbps * BUFSIZE_FACTOR) };
}
