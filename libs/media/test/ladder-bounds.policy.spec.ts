import { describe, expect, it } from '@jest/globals';
import {
  assertLadderWithinBounds,
  LadderOutOfBoundsError,
  ladderBoundBreaches,
  maxExplicitVideoKbps,
  planLadder,
  X264_PRESETS,
  type LadderBounds,
  type MediaInfo,
} from '../src/index.js';

const BOUNDS: LadderBounds = { maxHeight: 2160, slowestPreset: 'medium' };

describe('maxExplicitVideoKbps', () => {
  it('is the bitrate table for a 16:9 picture at the highest rate the height is encoded at', () => {
    expect([2160, 1440, 1080, 720, 480, 360, 144].map((h) => [h, maxExplicitVideoKbps(h)])).toEqual([
      [2160, 25_000],
      [1440, 13_000],
      [1080, 7_900],
      [720, 3_900],
      [480, 1_200],
      [360, 690],
      [144, 110],
    ]);
  });
});

describe('ladderBoundBreaches', () => {
  it('when the request has no ladder, or one inside every bound, then nothing is refused', () => {
    expect(ladderBoundBreaches(undefined, BOUNDS)).toEqual([]);
    expect(ladderBoundBreaches({}, BOUNDS)).toEqual([]);
    const inside = { rungs: [{ height: 2160, videoBitrateKbps: 25_000 }, { height: 1080, videoBitrateKbps: 7_900 }, { height: 360 }], preset: 'medium' as const };
    expect(ladderBoundBreaches(inside, BOUNDS)).toEqual([]);
  });

  it('when a rung is above the operator maximum, then that rung height is named', () => {
    expect(ladderBoundBreaches({ rungs: [{ height: 720 }, { height: 4320 }] }, BOUNDS)).toEqual([
      { field: 'ladder.rungs[1].height', value: 4320, allowed: 2160, reason: 'ladder.rungs[1].height 4320 > 2160 allowed' },
    ]);
  });

  it('when an explicit bitrate is above the table for its height, then that rung bitrate is named with the height', () => {
    expect(ladderBoundBreaches({ rungs: [{ height: 720 }, { height: 480 }, { height: 1080, videoBitrateKbps: 100_000 }] }, BOUNDS)).toEqual([
      { field: 'ladder.rungs[2].videoBitrateKbps', value: 100_000, allowed: 7_900, reason: 'ladder.rungs[2].videoBitrateKbps 100000 > 7900 allowed for 1080p' },
    ]);
    expect(ladderBoundBreaches({ rungs: [{ height: 1080, videoBitrateKbps: 7_901 }] }, BOUNDS).map((b) => b.field)).toEqual(['ladder.rungs[0].videoBitrateKbps']);
  });

  it('when the preset is slower than the slowest allowed, then the preset is named; equal or faster passes', () => {
    const verdicts = X264_PRESETS.map((preset) => [preset, ladderBoundBreaches({ preset }, BOUNDS).length]);
    expect(verdicts).toEqual([
      ['ultrafast', 0],
      ['superfast', 0],
      ['veryfast', 0],
      ['faster', 0],
      ['fast', 0],
      ['medium', 0],
      ['slow', 1],
      ['slower', 1],
      ['veryslow', 1],
    ]);
    expect(ladderBoundBreaches({ preset: 'veryslow' }, BOUNDS)).toEqual([
      { field: 'ladder.preset', value: 'veryslow', allowed: 'medium', reason: 'ladder.preset veryslow is slower than medium, the slowest allowed' },
    ]);
  });

  it('when several fields break bounds, then every one is listed in request order', () => {
    const ladder = { rungs: [{ height: 4320, videoBitrateKbps: 100_000 }, { height: 360, videoBitrateKbps: 5_000 }], preset: 'veryslow' as const };
    expect(ladderBoundBreaches(ladder, BOUNDS).map((b) => b.field)).toEqual([
      'ladder.rungs[0].height',
      'ladder.rungs[0].videoBitrateKbps',
      'ladder.rungs[1].videoBitrateKbps',
      'ladder.preset',
    ]);
  });
});

describe('assertLadderWithinBounds', () => {
  it('when a bound is broken, then it throws ladder_out_of_bounds listing field, value and allowed', () => {
    let thrown: unknown;
    try {
      assertLadderWithinBounds({ rungs: [{ height: 1080, videoBitrateKbps: 100_000 }], preset: 'slow' }, BOUNDS);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(LadderOutOfBoundsError);
    const error = thrown as LadderOutOfBoundsError;
    expect(error.code).toBe('ladder_out_of_bounds');
    expect(error.message).toBe(
      'The ladder asks for more than this installation allows: ladder.rungs[0].videoBitrateKbps 100000 > 7900 allowed for 1080p; ladder.preset slow is slower than medium, the slowest allowed.',
    );
    expect(error.details).toEqual({
      breaches: [
        { field: 'ladder.rungs[0].videoBitrateKbps', value: 100_000, allowed: 7_900 },
        { field: 'ladder.preset', value: 'slow', allowed: 'medium' },
      ],
    });
  });

  it('when the ladder is within bounds, then it returns', () => {
    expect(() => assertLadderWithinBounds({ rungs: [{ height: 2160 }] }, BOUNDS)).not.toThrow();
  });
});

describe('rungs above the source', () => {
  it('are never planned: the planner drops them (no upscale), so the bound needs no request-time check', () => {
    const source: MediaInfo = {
      formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
      durationS: 10,
      bitrateBps: null,
      sizeBytes: null,
      streamCount: 1,
      video: {
        index: 0,
        codec: 'h264',
        width: 1280,
        height: 720,
        sampleAspectRatio: { num: 1, den: 1 },
        rotation: 0,
        displayWidth: 1280,
        displayHeight: 720,
        pixelFormat: 'yuv420p',
        bitDepth: 8,
        colorTransfer: null,
        hdr: null,
        frameRate: { num: 30, den: 1 },
        isVfr: false,
        bitrateBps: null,
      },
      audio: [],
    };
    const plan = planLadder(source, { rungs: [{ height: 2160 }, { height: 1080 }, { height: 720 }, { height: 360 }], segmentSeconds: 4, preset: 'veryfast', audioBitrateKbps: 128, includeAudio: true });
    expect(plan.renditions.map((r) => r.height)).toEqual([720, 360]);
  });
});
