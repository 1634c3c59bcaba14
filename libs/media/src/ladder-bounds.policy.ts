import { tableVideoKbps } from './bitrate.table.js';
import { frameRateCap } from './frame-rate.policy.js';
import { X264_PRESETS, type LadderOverrides, type X264Preset } from './ladder.options.js';
import { LadderOutOfBoundsError } from './media.errors.js';

/** What a client's ladder may choose within (LADDER_MAX_HEIGHT, X264_SLOWEST_PRESET). */
export interface LadderBounds {
  /** Tallest rung (short side in pixels) a job may ask for. Rungs above the source are never planned anyway. */
  maxHeight: number;
  /** The slowest libx264 preset a job may ask for; slower presets cost more CPU per frame. */
  slowestPreset: X264Preset;
}

export interface LadderBoundBreach {
  /** The request field, as a client wrote it: `ladder.rungs[2].videoBitrateKbps`. */
  field: string;
  value: number | string;
  allowed: number | string;
  /** One sentence naming the field, the value and the bound. */
  reason: string;
}

/**
 * The highest explicit video bitrate a rung of this height may ask for: the bitrate table's value for
 * a 16:9 picture at the highest frame rate that height is encoded at (1080 → 1920x1080 at 60 fps).
 */
export function maxExplicitVideoKbps(height: number): number {
  const width = Math.max(2, Math.round((height * 16) / 9 / 2) * 2);
  return tableVideoKbps(width, height, frameRateCap(height));
}

const presetRank = (preset: X264Preset): number => X264_PRESETS.indexOf(preset);

/** Pure: every field of the request's ladder that is outside the operator's bounds, in request order. */
export function ladderBoundBreaches(ladder: LadderOverrides | undefined, bounds: LadderBounds): LadderBoundBreach[] {
  const breaches: LadderBoundBreach[] = [];
  for (const [i, rung] of (ladder?.rungs ?? []).entries()) {
    if (rung.height > bounds.maxHeight) {
      const field = `ladder.rungs[${i}].height`;
      breaches.push({ field, value: rung.height, allowed: bounds.maxHeight, reason: `${field} ${rung.height} > ${bounds.maxHeight} allowed` });
    }
    const kbps = rung.videoBitrateKbps;
    const allowedKbps = maxExplicitVideoKbps(rung.height);
    if (kbps !== undefined && kbps > allowedKbps) {
      const field = `ladder.rungs[${i}].videoBitrateKbps`;
      breaches.push({ field, value: kbps, allowed: allowedKbps, reason: `${field} ${kbps} > ${allowedKbps} allowed for ${rung.height}p` });
    }
  }
  const preset = ladder?.preset;
  if (preset !== undefined && presetRank(preset) > presetRank(bounds.slowestPreset)) {
    breaches.push({
      field: 'ladder.preset',
      value: preset,
      allowed: bounds.slowestPreset,
      reason: `ladder.preset ${preset} is slower than ${bounds.slowestPreset}, the slowest allowed`,
    });
  }
  return breaches;
}

/** @throws LadderOutOfBoundsError naming every breach; `details.breaches` lists field, value and allowed. */
export function assertLadderWithinBounds(ladder: LadderOverrides | undefined, bounds: LadderBounds): void {
  const breaches = ladderBoundBreaches(ladder, bounds);
  if (breaches.length === 0) return;
  throw new LadderOutOfBoundsError(`The ladder asks for more than this installation allows: ${breaches.map((b) => b.reason).join('; ')}.`, {
    breaches: breaches.map(({ field, value, allowed }) => ({ field, value, allowed })),
  });
}
