import { describe, expect } from '@jest/globals';
import { itTranscodes, useInputCases, type CaseResult, type InputCase } from '../support/media-inputs.js';

// Picture geometry and frame rate: rotation, odd sizes, tiny, ultra-wide, portrait, 60 fps, VFR.
// The stack's ladder is 360p + 240p with 1 s segments; cases that need taller rungs bring their own.
const DEFAULT_RUNGS = [{ height: 1080 }, { height: 720 }, { height: 480 }, { height: 360 }];

const CASES: InputCase[] = [
  // Stored 1280x720 with a 90° Display Matrix: a phone held upright. Output must be portrait.
  { kind: 'rotated-90', display: { width: 720, height: 1280 }, video: [[240, 426, 30], [360, 640, 30]], audio: 'stereo' },
  // 853x479 with non-square pixels (shown 852x479): even sizes, 16:9 kept.
  { kind: 'odd-853x479', display: { width: 852, height: 479 }, video: [[426, 240, 30], [640, 360, 30]], audio: 'stereo' },
  // Smaller than the 360p rung: only the rung that fits, never upscaled.
  { kind: 'tiny-240p', display: { width: 426, height: 240 }, video: [[426, 240, 30]], audio: 'stereo' },
  { kind: 'ultrawide', display: { width: 2560, height: 1080 }, video: [[568, 240, 30], [854, 360, 30]], audio: 'stereo' },
  { kind: 'portrait', display: { width: 720, height: 1280 }, video: [[240, 426, 30], [360, 640, 30]], audio: 'stereo' },
  // The case: the default 1080/720/480/360 ladder on a 360p source gives one rendition, not four.
  { kind: 'small-360p', ladder: { rungs: DEFAULT_RUNGS }, display: { width: 640, height: 360 }, video: [[640, 360, 30]], audio: 'stereo' },
  // 60 fps is kept from 720p up; smaller rungs halve it to 30 (whole divisor, no judder).
  { kind: 'fps60', ladder: { rungs: [{ height: 720 }, { height: 360 }] }, display: { width: 1280, height: 720 }, video: [[640, 360, 30], [1280, 720, 60]], audio: 'stereo' },
  // 30 fps then 10 fps (average ≈ 20.7): resampled to a constant 24 fps so GOPs and segments stay even.
  { kind: 'vfr', display: { width: 640, height: 360 }, video: [[426, 240, 24], [640, 360, 24]], audio: 'stereo' },
];

describe('media inputs: geometry and frame rate, through the real API and worker', () => {
  const check = useInputCases(CASES);
  // A job that sets only `rungs` keeps the installation's 1 s segments (two per 2 s clip), not the
  // library default of 4 s: the job's ladder overrides field by field.
  const keepsInstallationSegments: (result: CaseResult) => void = ({ report }) => {
    for (const v of report.video) expect(v.segments).toBe(2);
  };
  itTranscodes(check, CASES, {
    'small-360p': keepsInstallationSegments,
    fps60: keepsInstallationSegments,
    // Constant frame rate out: the 24 fps segments split the 2 s exactly like the others.
    vfr: keepsInstallationSegments,
  });
});
