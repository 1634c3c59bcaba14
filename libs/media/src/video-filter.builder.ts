import type { HdrTransfer } from './media-info.schema.js';
import { formatRational } from './rational.math.js';
import { storyboardFilters } from './storyboard.builder.js';
import { fpsInWindow, type TimeWindow } from './time-window.js';
import type { Rendition, StoryboardPlan, VideoTranscodePlan } from './transcode-plan.schema.js';

/**
 * HDR (PQ or HLG) to SDR BT.709 with zscale (libzimg): linearise, convert primaries in float, Hable tone
 * curve, back to BT.709 limited range in 8-bit 4:2:0. Runs once on the decoded source, before `split`.
 * zscale reads the transfer (PQ/HLG) from the frames' colour tags.
 */
const ZSCALE_TONE_MAP = [
  'zscale=t=linear:npl=100',
  'format=gbrpf32le',
  'zscale=p=bt709',
  'tonemap=tonemap=hable:desat=0',
  'zscale=t=bt709:m=bt709:r=tv',
  'format=yuv420p',
];

/**
 * Filters applied to the source before it is split into renditions. Without tone mapping (SDR input,
 * or no zscale in this ffmpeg) there are none: each rendition's `format=yuv420p` converts 10-bit and
 * 4:2:2/4:4:4 sources to 8-bit 4:2:0 after scaling, which is cheaper than converting the full frame.
 */
export function sourceColorFilters(toneMap: HdrTransfer | null): string[] {
  return toneMap ? [...ZSCALE_TONE_MAP] : [];
}

/**
 * One rendition's chain: constant frame rate first (fewer frames to scale), then size, then 8-bit
 * 4:2:0 for H.264 High, then square pixels (anamorphic sources were planned at their display size).
 * A chunk keeps only its window's frames, picked on the constant-rate grid of the whole input.
 */
export function renditionFilters(rendition: Rendition, window?: TimeWindow): string[] {
  const fps = `fps=${formatRational(rendition.frameRate)}`;
  return [
    ...(window ? fpsInWindow(fps, window, rendition.frameRate) : [fps]),
    `scale=${rendition.width}:${rendition.height}:flags=bicubic`,
    'format=yuv420p',
    'setsar=1',
  ];
}

export function renditionLabel(position: number): string {
  return `[v${position}]`;
}

/** The storyboard branch's output label, mapped to the second output file (the sprite sheet). */
export const STORYBOARD_LABEL = '[storyboard]';

/**
 * The -filter_complex graph: decode once, optional tone mapping, `split` into one branch per rendition
 * (no split for a single rendition and no storyboard), outputs labelled [v0], [v1], ... in plan order,
 * plus [storyboard] when a sprite sheet is planned: it rides on the same decode instead of a second
 * pass over the source. The input is addressed by absolute stream index so cover art or a second
 * video track is never picked. Rotation is not handled here: ffmpeg's autorotate (on by default)
 * rotates frames before the graph. With a window (a chunk), every branch keeps that window's frames.
 */
export function buildFilterComplex(plan: VideoTranscodePlan, storyboard?: StoryboardPlan, window?: TimeWindow): string {
  const input = `[0:${plan.video.streamIndex}]`;
  const pre = sourceColorFilters(plan.video.toneMap);
  const branches = plan.renditions.map((rendition, i) => ({ filters: renditionFilters(rendition, window), label: renditionLabel(i) }));
  if (storyboard) branches.push({ filters: storyboardFilters(storyboard, window), label: STORYBOARD_LABEL });
  const [only] = branches;
  if (branches.length === 1 && only) return `${input}${[...pre, ...only.filters].join(',')}${only.label}`;
  const splitLabels = branches.map((_, i) => `[s${i}]`).join('');
  const head = `${input}${[...pre, `split=${branches.length}`].join(',')}${splitLabels}`;
  return [head, ...branches.map((branch, i) => `[s${i}]${branch.filters.join(',')}${branch.label}`)].join(';');
}
