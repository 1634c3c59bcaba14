import type { Rung } from './ladder.options.js';

/** A chosen picture size for one rendition, before frame rate and bitrate are decided. */
export interface RungFrame {
  name: string;
  /** The rung height this frame stands for (drives the frame-rate cap). */
  nominalHeight: number;
  width: number;
  height: number;
  explicitKbps: number | null;
}

export interface RungSelection {
  frames: RungFrame[];
  /** True when the source is below every rung and gets one rendition at its own size. */
  belowSmallestRung: boolean;
}

/**
 * A rung up to ~10 % taller than the source (1920x1036 for 1080p, 853x479 for 480p) is still planned,
 * at the source's own size: dropping it would leave the top rendition far below the source.
 */
const SNAP_RATIO = 0.9;

function evenRound(value: number): number {
  return Math.max(2, Math.round(value / 2) * 2);
}

function evenFloor(value: number): number {
  return Math.max(2, Math.floor(value / 2) * 2);
}

function scaledTo(displayWidth: number, displayHeight: number, shortSide: number): { width: number; height: number } {
  const factor = shortSide / Math.min(displayWidth, displayHeight);
  return { width: evenRound(displayWidth * factor), height: evenRound(displayHeight * factor) };
}

/**
 * Picks renditions for a picture of displayWidth × displayHeight: a rung's height is the picture's
 * short side, rungs taller than the source are dropped (never upscale), tallest first.
 */
export function selectRungs(displayWidth: number, displayHeight: number, rungs: readonly Rung[], maxRungs?: number): RungSelection {
  const shortSide = Math.min(displayWidth, displayHeight);
  const atSourceSize = { width: evenFloor(displayWidth), height: evenFloor(displayHeight) };
  const tallestFirst = [...rungs].sort((a, b) => b.height - a.height);
  const fitting = tallestFirst.filter((rung) => rung.height <= shortSide);
  const sourceCovered = fitting.some((rung) => rung.height >= shortSide * SNAP_RATIO);
  const snapped = sourceCovered
    ? undefined
    : tallestFirst.findLast((rung) => rung.height > shortSide && rung.height * SNAP_RATIO <= shortSide);

  const frames: RungFrame[] = [
    ...(snapped ? [{ ...atSourceSize, rung: snapped }] : []),
    ...fitting.map((rung) => ({ ...scaledTo(displayWidth, displayHeight, rung.height), rung })),
  ].map(({ width, height, rung }) => ({
    name: `${rung.height}p`,
    nominalHeight: rung.height,
    width,
    height,
    explicitKbps: rung.videoBitrateKbps ?? null,
  }));

  if (frames.length === 0) {
    const ownShortSide = Math.min(atSourceSize.width, atSourceSize.height);
    return {
      frames: [{ name: `${ownShortSide}p`, nominalHeight: ownShortSide, ...atSourceSize, explicitKbps: null }],
      belowSmallestRung: true,
    };
  }
  return { frames: frames.slice(0, maxRungs ?? frames.length), belowSmallestRung: false };
}
