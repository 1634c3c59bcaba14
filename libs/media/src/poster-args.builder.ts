import { COMMON_FFMPEG_ARGS } from './ffmpeg-common.args.js';
import { untrustedInputArgs } from './untrusted-input.args.js';
import type { VideoTranscodePlan } from './transcode-plan.schema.js';
import { sourceColorFilters } from './video-filter.builder.js';

export interface ImageIo {
  input: string;
  /** A .jpg path. */
  output: string;
}

const POSTER_POSITION = 0.1;
/** Frames the thumbnail filter compares; it keeps them in memory, hence the downscale before it. */
const THUMBNAIL_CANDIDATES = 25;

/** 10 % into the video (past intros and fade-ins), at least a second before the end, never negative. */
export function posterTimeS(durationS: number): number {
  const time = Math.min(durationS * POSTER_POSITION, durationS - 1);
  return Math.max(0, Math.round(time * 1000) / 1000);
}

/**
 * One JPEG at the size of the top rendition. `thumbnail` picks the most typical of the next frames,
 * which avoids black or fade frames; HDR is tone-mapped on that one frame only.
 */
export function buildPosterArgs(plan: VideoTranscodePlan, io: ImageIo): string[] {
  const top = plan.renditions[0];
  if (!top) throw new RangeError('a video plan has at least one rendition');
  const filters = [
    `scale=${top.width}:${top.height}:flags=bicubic`,
    `thumbnail=n=${THUMBNAIL_CANDIDATES}`,
    ...sourceColorFilters(plan.video.toneMap),
    'setsar=1',
  ];
  return [
    ...COMMON_FFMPEG_ARGS,
    // Input seeking: jump to the nearest keyframe instead of decoding from the start.
    '-ss',
    posterTimeS(plan.durationS).toFixed(3),
    ...untrustedInputArgs(io.input),
    '-map',
    `0:${plan.video.streamIndex}`,
    '-vf',
    filters.join(','),
    '-frames:v',
    '1',
    '-q:v',
    '2',
    io.output,
  ];
}
