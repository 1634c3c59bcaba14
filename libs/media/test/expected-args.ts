// What the argument-builder specs expect, written out once: each spec compares whole arrays.
import type { ChunkRange } from '../src/index.js';

// prettier-ignore
export const EXPECTED_HEAD: readonly string[] = [
  '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
  '-progress', 'pipe:1', '-nostats', '-stats_period', '0.5',
  '-max_error_rate', '0.05',
];

// prettier-ignore
export function expectedX264(i: number, level: string, kbps: [number, number, number], gop: number, preset = 'veryfast'): string[] {
  return [
    '-map', `[v${i}]`,
    `-c:v:${i}`, 'libx264',
    `-preset:v:${i}`, preset,
    `-profile:v:${i}`, 'high',
    `-level:v:${i}`, level,
    `-b:v:${i}`, `${kbps[0]}k`,
    `-maxrate:v:${i}`, `${kbps[1]}k`,
    `-bufsize:v:${i}`, `${kbps[2]}k`,
    `-g:v:${i}`, String(gop),
    `-keyint_min:v:${i}`, String(gop),
    `-sc_threshold:v:${i}`, '0',
  ];
}

export function chunkRange(index: number, startS: number, durationS: number, firstSegment: number, segmentCount: number, last = false): ChunkRange {
  return { index, startS, durationS, firstSegment, segmentCount, last };
}
