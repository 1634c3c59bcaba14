import type { BitrateMeasure } from './segment-measure.js';
import type { TranscodePlan } from './transcode-plan.schema.js';

/**
 * The bitrates a master playlist can state before any segment is measured: each video rendition's
 * VBV cap (maxrate) as its peak and its target bitrate as its average, audio at its constant bitrate.
 * The master published while the job runs uses these; the final one is rewritten with the measured values.
 */
export function plannedBitrates(plan: TranscodePlan): Record<string, BitrateMeasure> {
  const video = plan.renditions.map((rendition) => [rendition.name, { peakBps: rendition.maxrateKbps * 1000, averageBps: rendition.videoBitrateKbps * 1000 }] as const);
  const audio = plan.audio ? [[plan.audio.name, { peakBps: plan.audio.bitrateKbps * 1000, averageBps: plan.audio.bitrateKbps * 1000 }] as const] : [];
  return Object.fromEntries([...video, ...audio]);
}
