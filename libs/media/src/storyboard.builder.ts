import { COMMON_FFMPEG_ARGS } from './ffmpeg-common.args.js';
import type { Rational } from './media-info.schema.js';
import { firstFrameAtOrAfter, fpsInWindow, type TimeWindow } from './time-window.js';
import type { StoryboardPlan, VideoTranscodePlan } from './transcode-plan.schema.js';

export const STORYBOARD_THUMB_WIDTH = 160;
export const STORYBOARD_MAX_THUMBS = 100;
/** File names of the thumbnails the ladder pass writes (image2 numbers them from 1). */
export const STORYBOARD_THUMB_PATTERN = 'thumb_%04d.png';
const MAX_COLUMNS = 10;
/** Intervals a viewer can reason about when scrubbing; the first that keeps ≤ 100 thumbnails wins. */
const ROUND_INTERVALS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600];

export function storyboardIntervalS(durationS: number): number {
  const fits = (interval: number): boolean => Math.ceil(durationS / interval) <= STORYBOARD_MAX_THUMBS;
  return ROUND_INTERVALS_S.find(fits) ?? Math.ceil(durationS / STORYBOARD_MAX_THUMBS);
}

/** The planner's part of a video plan: the sheet for `durationS`, thumbnails shaped like the tallest rendition. */
export function planStoryboard(plan: Pick<VideoTranscodePlan, 'durationS' | 'renditions'>): StoryboardPlan {
  const top = plan.renditions[0];
  if (!top) throw new RangeError('a video plan has at least one rendition');
  const intervalS = storyboardIntervalS(plan.durationS);
  const count = Math.max(1, Math.ceil(plan.durationS / intervalS));
  const columns = Math.min(MAX_COLUMNS, count);
  return {
    durationS: plan.durationS,
    intervalS,
    count,
    columns,
    rows: Math.ceil(count / columns),
    thumbWidth: STORYBOARD_THUMB_WIDTH,
    thumbHeight: Math.max(2, Math.round((STORYBOARD_THUMB_WIDTH * top.height) / top.width / 2) * 2),
  };
}

function thumbnailRate(storyboard: StoryboardPlan): Rational {
  return { num: 1, den: storyboard.intervalS };
}

/**
 * The storyboard's branch of the ladder's filter graph (after tone mapping, which runs once before
 * `split`): `fps=1/N` keeps the frame nearest to each multiple of N seconds, so thumbnail i shows
 * time i·N. A chunk keeps the thumbnails whose time falls in its window.
 */
export function storyboardFilters(storyboard: StoryboardPlan, window?: TimeWindow): string[] {
  const fps = `fps=1/${storyboard.intervalS}`;
  return [
    ...(window ? fpsInWindow(fps, window, thumbnailRate(storyboard)) : [fps]),
    `scale=${storyboard.thumbWidth}:${storyboard.thumbHeight}:flags=bicubic`,
    'setsar=1',
  ];
}

/**
 * The thumbnails a window holds, as 0-based positions in the sheet [first, end): thumbnail i shows
 * time i·N. Empty (first === end) when the window lies between two thumbnails.
 */
export function storyboardThumbnailRange(storyboard: StoryboardPlan, window: TimeWindow): { first: number; end: number } {
  const rate = thumbnailRate(storyboard);
  const first = Math.min(firstFrameAtOrAfter(window.startS, rate), storyboard.count);
  const end = window.endS === null ? storyboard.count : Math.min(firstFrameAtOrAfter(window.endS, rate), storyboard.count);
  return { first, end: Math.max(first, end) };
}

/**
 * The sprite sheet from the thumbnails the ladder pass wrote: `tile` fills it row by row and flushes
 * a partly filled sheet at the end. Reads at most 100 small PNGs, so it takes a fraction of a second.
 */
export function buildStoryboardTileArgs(storyboard: StoryboardPlan, io: { thumbnails: string; output: string }): string[] {
  return [
    ...COMMON_FFMPEG_ARGS,
    '-framerate',
    '1',
    '-i',
    io.thumbnails,
    '-vf',
    `tile=${storyboard.columns}x${storyboard.rows}`,
    '-frames:v',
    '1',
    '-q:v',
    '4',
    io.output,
  ];
}

function vttTimestamp(seconds: number): string {
  const totalMs = Math.round(seconds * 1000);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  const hours = Math.floor(totalMs / 3_600_000);
  const minutes = Math.floor(totalMs / 60_000) % 60;
  const secs = Math.floor(totalMs / 1000) % 60;
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}.${pad(totalMs % 1000, 3)}`;
}

/** WebVTT thumbnails track: one cue per interval pointing at its tile, `sprite.jpg#xywh=x,y,w,h`. */
export function writeStoryboardVtt(storyboard: StoryboardPlan, spriteUri = 'sprite.jpg'): string {
  const cues = Array.from({ length: storyboard.count }, (_, i) => {
    const start = i * storyboard.intervalS;
    const end = Math.min((i + 1) * storyboard.intervalS, storyboard.durationS);
    const x = (i % storyboard.columns) * storyboard.thumbWidth;
    const y = Math.floor(i / storyboard.columns) * storyboard.thumbHeight;
    const region = `${x},${y},${storyboard.thumbWidth},${storyboard.thumbHeight}`;
    return `${vttTimestamp(start)} --> ${vttTimestamp(end)}\n${spriteUri}#xywh=${region}\n`;
  });
  return ['WEBVTT\n', ...cues].join('\n');
}
