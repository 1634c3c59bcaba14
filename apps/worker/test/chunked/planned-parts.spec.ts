import { describe, expect, it } from '@jest/globals';
import { planChunks, type TranscodePlan } from '@reelforge/media';
import { plannedParts } from '../../src/transcode/chunked/planned-parts.js';

const plan = {
  durationS: 10,
  segmentSeconds: 2,
  preset: 'veryfast',
  notes: ['a note'],
  hasVideo: false,
  video: null,
  renditions: [],
  audio: { name: 'audio', streamIndex: 1, codecs: 'mp4a.40.2', bitrateKbps: 128, channels: 2, sampleRate: 48000 },
} as unknown as TranscodePlan;
const chunks = planChunks(10, 2, { chunkSeconds: 4, minDurationS: 0 })!;

describe('plannedParts', () => {
  it('when a plan has audio, then the audio comes first as part 0, then one video part per range with its range and first segment', () => {
    const parts = plannedParts(plan, chunks);
    expect(parts.map(({ fingerprint: _f, ...rest }) => rest)).toEqual([
      { kind: 'audio', index: 0, startS: 0, durationS: 10, firstSegment: 0 },
      { kind: 'video', index: 0, startS: 0, durationS: 4, firstSegment: 0 },
      { kind: 'video', index: 1, startS: 4, durationS: 4, firstSegment: 2 },
      { kind: 'video', index: 2, startS: 8, durationS: 2, firstSegment: 4 },
    ]);
  });

  it('when the same plan is made again, then the fingerprints match; notes do not count, anything encoded does', () => {
    const once = plannedParts(plan, chunks).map((p) => p.fingerprint);
    expect(plannedParts({ ...plan, notes: ['another'] }, chunks).map((p) => p.fingerprint)).toEqual(once);
    expect(new Set(once).size).toBe(once.length);
    const slower = plannedParts({ ...plan, preset: 'slow' }, chunks).map((p) => p.fingerprint);
    expect(slower.some((f, i) => f === once[i])).toBe(false);
    const otherRanges = plannedParts(plan, planChunks(10, 2, { chunkSeconds: 2, minDurationS: 0 })!).map((p) => p.fingerprint);
    expect(otherRanges[1]).not.toBe(once[1]);
  });

  it('when the plan has no audio, then only video parts are planned', () => {
    expect(plannedParts({ ...plan, audio: null } as unknown as TranscodePlan, chunks).map((p) => p.kind)).toEqual(['video', 'video', 'video']);
  });
});
