import { describe, expect, it } from '@jest/globals';
import type { Chunk } from '@reelforge/db';
import { assemblePartPlaylists } from '../../src/transcode/chunked/part-playlists.js';

const seg = (n: number, attempt = 1) => ({ uri: `seg_a${attempt}_${String(n).padStart(5, '0')}.ts`, durationS: 1, bytes: 100 });

function part(kind: 'video' | 'audio', index: number, overrides: Partial<Chunk> = {}): Chunk {
  return {
    jobId: 'job',
    kind,
    index,
    attempt: 1,
    fingerprint: 'f',
    startS: index * 2,
    durationS: 2,
    firstSegment: index * 2,
    state: 'queued',
    workerId: null,
    runs: 0,
    progress: 0,
    segments: {},
    thumbnails: 0,
    startedAt: null,
    completedAt: null,
    ...overrides,
  };
}

const options = { attempt: 1, videoNames: ['720p', '360p'], audioName: 'audio' };
const both = (list: ReturnType<typeof seg>[]) => ({ '720p': list, '360p': list });
const uris = (result: ReturnType<typeof assemblePartPlaylists>, name: string) => result.segments.get(name)!.map((s) => s.uri);

describe('assemblePartPlaylists', () => {
  it('when nothing is encoded yet, then every playlist is empty, not ended, at 0 %', () => {
    const result = assemblePartPlaylists([part('audio', 0, { durationS: 6 }), part('video', 0), part('video', 1), part('video', 2)], options);
    expect([...result.segments.values()].every((list) => list.length === 0)).toBe(true);
    expect(result).toMatchObject({ ended: false, progress: 0 });
  });

  it('when a later part finished before an earlier one, then playlists stop at the first unfinished part and name what it stored so far', () => {
    const parts = [
      part('audio', 0, { state: 'processing', segments: { audio: [seg(0), seg(1)] } }),
      part('video', 0, { state: 'processing', progress: 0.5, segments: both([seg(0)]) }),
      part('video', 1, { state: 'processing', progress: 0.5, segments: both([seg(2)]) }),
      part('video', 2, { state: 'completed', progress: 1, segments: both([seg(4), seg(5)]) }),
    ];
    const result = assemblePartPlaylists(parts, options);
    expect(uris(result, '720p')).toEqual(['seg_a1_00000.ts']);
    expect(uris(result, '360p')).toEqual(['seg_a1_00000.ts']);
    expect(uris(result, 'audio')).toEqual(['seg_a1_00000.ts', 'seg_a1_00001.ts']);
    expect(result.ended).toBe(false);
    expect(result.progress).toBeCloseTo((1 + 1 + 2) / 6);
  });

  it('when the first parts are finished, then their segments come in order, followed by the running part\'s', () => {
    const parts = [
      part('video', 1, { state: 'processing', segments: both([seg(2)]) }),
      part('video', 0, { state: 'completed', progress: 1, segments: both([seg(0), seg(1)]) }),
      part('video', 2, { state: 'completed', progress: 1, segments: both([seg(4), seg(5)]) }),
    ];
    const result = assemblePartPlaylists(parts, { ...options, audioName: null });
    expect(uris(result, '720p')).toEqual(['seg_a1_00000.ts', 'seg_a1_00001.ts', 'seg_a1_00002.ts']);
    expect(result.segments.has('audio')).toBe(false);
  });

  it('when every part is finished, then the playlists are whole and ended', () => {
    const parts = [
      part('audio', 0, { state: 'completed', segments: { audio: [seg(0), seg(1), seg(2), seg(3)] } }),
      part('video', 0, { state: 'completed', segments: both([seg(0), seg(1)]) }),
      part('video', 1, { state: 'completed', segments: both([seg(2), seg(3)]) }),
    ];
    const result = assemblePartPlaylists(parts, options);
    expect(uris(result, '360p')).toHaveLength(4);
    expect(result).toMatchObject({ ended: true, progress: 1 });
  });

  it('when a part was kept from an earlier attempt, then its segments are named where they lie, relative to this attempt', () => {
    const parts = [
      part('video', 0, { state: 'completed', attempt: 1, segments: both([seg(0, 1)]) }),
      part('video', 1, { state: 'completed', attempt: 3, segments: both([seg(1, 3)]) }),
    ];
    const result = assemblePartPlaylists(parts, { ...options, attempt: 3, audioName: null });
    expect(uris(result, '720p')).toEqual(['../../1/720p/seg_a1_00000.ts', 'seg_a3_00001.ts']);
  });

  it('when a video part or the audio part is missing, then it refuses rather than publish a gap', () => {
    expect(() => assemblePartPlaylists([part('video', 1)], { ...options, audioName: null })).toThrow('video part 0 is missing');
    expect(() => assemblePartPlaylists([part('video', 0)], options)).toThrow('the audio part is missing');
  });
});
