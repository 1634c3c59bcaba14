import { createHash } from 'node:crypto';
import type { PlannedChunk } from '@reelforge/db';
import type { ChunkRange, TranscodePlan } from '@reelforge/media';

/**
 * The parts of a chunked attempt: one per video range, and the audio (index 0) when the plan has
 * audio. A part's fingerprint covers everything its files depend on (the plan minus the notes, and
 * its range), so a later attempt reuses a finished part only when it would encode the same thing.
 */
export function plannedParts(plan: TranscodePlan, chunks: readonly ChunkRange[]): PlannedChunk[] {
  const { notes: _notes, ...encoded } = plan;
  const planHash = createHash('sha256').update(JSON.stringify(encoded)).digest('hex');
  const fingerprint = (range: object) => createHash('sha256').update(planHash).update(JSON.stringify(range)).digest('hex').slice(0, 32);
  const video = chunks.map((chunk) => ({
    kind: 'video' as const,
    index: chunk.index,
    startS: chunk.startS,
    durationS: chunk.durationS,
    firstSegment: chunk.firstSegment,
    fingerprint: fingerprint({ kind: 'video', ...chunk }),
  }));
  const audio = plan.audio
    ? [{ kind: 'audio' as const, index: 0, startS: 0, durationS: plan.durationS, firstSegment: 0, fingerprint: fingerprint({ kind: 'audio' }) }]
    : [];
  return [...audio, ...video];
}
