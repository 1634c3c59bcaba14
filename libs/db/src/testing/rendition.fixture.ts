import type { RenditionRecord } from '../job.record.js';

/** A rendition as the worker records it: `720p` (16:9, 30 fps) by default, or `audio` for the audio rendition. */
export function renditionRecord(name = '720p', overrides: Partial<RenditionRecord> = {}): RenditionRecord {
  const height = name === 'audio' ? null : Number.parseInt(name, 10);
  return {
    name,
    kind: height === null ? 'audio' : 'video',
    width: height === null ? null : Math.round((height * 16) / 9 / 2) * 2,
    height,
    fps: height === null ? null : 30,
    codecs: height === null ? 'mp4a.40.2' : 'avc1.64001f',
    bandwidth: 2_800_000,
    averageBandwidth: 2_000_000,
    playlist: `${name}/index.m3u8`,
    ...overrides,
  };
}
