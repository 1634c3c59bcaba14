import type { RenditionRecord } from '@reelforge/db';
import { mediaPlaylistUri, type BitrateMeasure, type TranscodePlan } from '@reelforge/media';

/** The renditions a plan produces as the job row records them; bandwidths are null until measured. */
export function renditionRecords(plan: TranscodePlan, measurements: Record<string, BitrateMeasure>): RenditionRecord[] {
  const video = plan.renditions.map((r) => ({
    name: r.name,
    kind: 'video' as const,
    width: r.width,
    height: r.height,
    fps: r.fps,
    codecs: r.codecs,
    bandwidth: measurements[r.name]?.peakBps ?? null,
    averageBandwidth: measurements[r.name]?.averageBps ?? null,
    playlist: mediaPlaylistUri(r.name),
  }));
  const audio = plan.audio
    ? [
        {
          name: plan.audio.name,
          kind: 'audio' as const,
          width: null,
          height: null,
          fps: null,
          codecs: plan.audio.codecs,
          bandwidth: measurements[plan.audio.name]?.peakBps ?? null,
          averageBandwidth: measurements[plan.audio.name]?.averageBps ?? null,
          playlist: mediaPlaylistUri(plan.audio.name),
        },
      ]
    : [];
  return [...video, ...audio];
}
