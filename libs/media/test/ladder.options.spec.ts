import { describe, expect, it } from '@jest/globals';
import { DEFAULT_LADDER_OPTIONS, LadderOptionsSchema, LadderOverridesSchema } from '../src/index.js';

const invalid: Array<[string, unknown, string]> = [
  ['a rung below 144', { rungs: [{ height: 120 }] }, 'rungs.0.height'],
  ['a rung above 4320', { rungs: [{ height: 4322 }] }, 'rungs.0.height'],
  ['a fractional height', { rungs: [{ height: 720.5 }] }, 'rungs.0.height'],
  ['duplicate heights', { rungs: [{ height: 720 }, { height: 720 }] }, 'rungs'],
  ['a zero bitrate', { rungs: [{ height: 720, videoBitrateKbps: 0 }] }, 'rungs.0.videoBitrateKbps'],
  ['a negative bitrate', { rungs: [{ height: 720, videoBitrateKbps: -5 }] }, 'rungs.0.videoBitrateKbps'],
  ['an empty rung list', { rungs: [] }, 'rungs'],
  ['0 s segments', { segmentSeconds: 0 }, 'segmentSeconds'],
  ['21 s segments', { segmentSeconds: 21 }, 'segmentSeconds'],
  ['an unknown preset', { preset: 'turbo' }, 'preset'],
  ['an unknown key (typo)', { segmentSecs: 4 }, ''],
  ['an unknown rung key', { rungs: [{ height: 720, bitrate: 1 }] }, 'rungs.0'],
  ['maxRungs 0', { maxRungs: 0 }, 'maxRungs'],
  ['a string audio bitrate', { audioBitrateKbps: '128' }, 'audioBitrateKbps'],
];

describe('LadderOptionsSchema', () => {
  it('fills every default from an empty object', () => {
    expect(LadderOptionsSchema.parse({})).toEqual({
      rungs: [{ height: 1080 }, { height: 720 }, { height: 480 }, { height: 360 }],
      segmentSeconds: 4,
      preset: 'veryfast',
      audioBitrateKbps: 128,
      includeAudio: true,
    });
    expect(DEFAULT_LADDER_OPTIONS).toEqual(LadderOptionsSchema.parse({}));
  });

  it('does not share the default rung list between parses', () => {
    const first = LadderOptionsSchema.parse({});
    first.rungs.push({ height: 144 });
    expect(LadderOptionsSchema.parse({}).rungs).toHaveLength(4);
  });

  it('accepts a custom ladder', () => {
    const input = {
      rungs: [{ height: 2160, videoBitrateKbps: 16000 }, { height: 144 }],
      segmentSeconds: 6,
      preset: 'medium',
      audioBitrateKbps: 96,
      includeAudio: false,
      maxRungs: 1,
    };
    expect(LadderOptionsSchema.parse(input)).toEqual(input);
  });

  it.each(invalid)('rejects %s', (_name, input, path) => {
    const result = LadderOptionsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});

describe('LadderOverridesSchema', () => {
  it('keeps only what the job set, so the installation defaults fill the rest when merged', () => {
    const overrides = LadderOverridesSchema.parse({ rungs: [{ height: 720 }] });
    expect(overrides).toEqual({ rungs: [{ height: 720 }] });
    const installation = { rungs: [{ height: 360 }], segmentSeconds: 2, preset: 'ultrafast' as const };
    expect(LadderOptionsSchema.parse({ ...installation, ...overrides })).toMatchObject({ rungs: [{ height: 720 }], segmentSeconds: 2, preset: 'ultrafast' });
  });

  it.each(invalid)('rejects %s, like the full schema', (_name, input, path) => {
    const result = LadderOverridesSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});
