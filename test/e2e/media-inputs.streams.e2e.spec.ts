import { readFile } from 'node:fs/promises';
import { describe, expect } from '@jest/globals';
import { itTranscodes, useInputCases, type InputCase } from '../support/media-inputs.js';

// Colour, audio layouts and containers. The stack's ladder is 360p + 240p with 1 s segments.
const LANDSCAPE_360: InputCase['video'] = [
  [426, 240, 30],
  [640, 360, 30],
];

const CASES: InputCase[] = [
  // 10-bit 4:2:0 High 10 → 8-bit yuv420p that every browser decodes.
  { kind: 'ten-bit', display: { width: 1280, height: 720 }, video: LANDSCAPE_360, audio: 'stereo' },
  // PQ (HDR10) → tone-mapped to SDR BT.709.
  { kind: 'hdr-pq', display: { width: 1280, height: 720 }, video: LANDSCAPE_360, audio: 'stereo' },
  { kind: 'no-audio', display: { width: 640, height: 360 }, video: LANDSCAPE_360, audio: 'none' },
  // Decision: audio-only input becomes one AAC rendition (master lists only that variant), not a failure.
  { kind: 'audio-only', video: [], audio: 'stereo' },
  { kind: 'surround-5.1', display: { width: 640, height: 360 }, video: LANDSCAPE_360, audio: 'stereo' },
  // Two tracks (eng default, spa): one audio rendition shared by all variants, not one per track or variant.
  { kind: 'multi-audio', display: { width: 640, height: 360 }, video: LANDSCAPE_360, audio: 'stereo' },
  { kind: 'mov', display: { width: 640, height: 360 }, video: LANDSCAPE_360, audio: 'stereo' },
  { kind: 'mkv', display: { width: 640, height: 360 }, video: LANDSCAPE_360, audio: 'stereo' },
  // VP9 + Opus in WebM, 320x240: only the 240p rung fits.
  { kind: 'webm', display: { width: 320, height: 240 }, video: [[320, 240, 30]], audio: 'stereo' },
];

describe('media inputs: colour, audio and containers, through the real API and worker', () => {
  const check = useInputCases(CASES);
  itTranscodes(check, CASES, {
    'ten-bit': ({ report }) => {
      for (const v of report.video) expect(v.profile).not.toMatch(/10|4:2:2|4:4:4/);
    },
    'hdr-pq': ({ report }) => {
      for (const v of report.video) expect(v.colorTransfer).toBe('bt709');
    },
    'no-audio': async ({ outputDir }) => {
      expect(await readFile(`${outputDir}/master.m3u8`, 'utf8')).not.toMatch(/EXT-X-MEDIA|mp4a/);
    },
    'audio-only': async ({ outputDir, report }) => {
      const master = await readFile(`${outputDir}/master.m3u8`, 'utf8');
      expect(master.match(/#EXT-X-STREAM-INF/g)).toHaveLength(1);
      expect(master).toMatch(/CODECS="mp4a\.40\.2"\naudio\/index\.m3u8\n$/);
      expect(master).not.toMatch(/RESOLUTION|EXT-X-MEDIA/);
      expect(report.audio?.uri).toBe('audio/index.m3u8');
    },
    'multi-audio': async ({ outputDir }) => {
      const master = await readFile(`${outputDir}/master.m3u8`, 'utf8');
      expect(master.match(/#EXT-X-MEDIA:TYPE=AUDIO/g)).toHaveLength(1);
    },
  });
});
