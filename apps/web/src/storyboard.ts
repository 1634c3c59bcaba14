/** One storyboard cue: which part of which sprite shows the frame around a time. */
export interface StoryboardTile {
  sprite: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Pure: a storyboard.vtt cue text (`sprite.jpg#xywh=x,y,w,h`) as a tile, or null if it is not one. */
export function parseStoryboardCue(text: string): StoryboardTile | null {
  const match = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(text.trim());
  if (!match) return null;
  const [, sprite, x, y, w, h] = match;
  return { sprite: sprite as string, x: Number(x), y: Number(y), w: Number(w), h: Number(h) };
}

/** Pure: the seconds a pointer at `fraction` (0–1) of the bar stands for. */
export function secondsAt(fraction: number, duration: number): number {
  const clamped = Math.min(Math.max(fraction, 0), 1);
  return Number.isFinite(duration) && duration > 0 ? clamped * duration : 0;
}
