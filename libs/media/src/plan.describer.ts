import type { TranscodePlan } from './transcode-plan.schema.js';

/**
 * One line an operator can read (Bull Board's job log, worker logs), e.g.
 * `ladder: 720p 1280x720@30 2800k, 360p 640x360@30 690k; audio 128k stereo; 4 s segments; x264 veryfast`.
 */
export function describePlan(plan: TranscodePlan): string {
  const video = plan.renditions.map((r) => `${r.name} ${r.width}x${r.height}@${r.fps} ${r.videoBitrateKbps}k`);
  const parts = [
    video.length > 0 ? `ladder: ${video.join(', ')}` : 'ladder: audio only',
    plan.audio ? `audio ${plan.audio.bitrateKbps}k stereo` : 'no audio',
    `${plan.segmentSeconds} s segments`,
    `x264 ${plan.preset}`,
  ];
  return [parts.join('; '), ...plan.notes].join('\n');
}
