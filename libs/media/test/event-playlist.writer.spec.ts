import { describe, expect, it } from '@jest/globals';
import {
  contiguousStoredSegments,
  LadderOptionsSchema,
  parseProbe,
  planLadder,
  plannedBitrates,
  writeEventPlaylist,
  writeMasterPlaylist,
} from '../src/index.js';
import { landscape1080p30 } from './fixtures/ffprobe-size.fixtures.js';

const segments = [
  { uri: 'seg_a1_00000.ts', durationS: 4 },
  { uri: 'seg_a1_00001.ts', durationS: 4 },
  { uri: 'seg_a1_00002.ts', durationS: 1.5 },
];

describe('writeEventPlaylist', () => {
  it('while encoding, names the stored segments as an EVENT playlist without an end', () => {
    expect(writeEventPlaylist({ segments: segments.slice(0, 2), targetDurationS: 4, ended: false })).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:4',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-PLAYLIST-TYPE:EVENT',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXTINF:4.000000,',
        'seg_a1_00000.ts',
        '#EXTINF:4.000000,',
        'seg_a1_00001.ts',
        '',
      ].join('\n'),
    );
  });

  it('when ended, is the same EVENT playlist with every segment and #EXT-X-ENDLIST appended', () => {
    const growing = writeEventPlaylist({ segments, targetDurationS: 4, ended: false });
    expect(writeEventPlaylist({ segments, targetDurationS: 4, ended: true })).toBe(`${growing}#EXT-X-ENDLIST\n`);
    expect(growing).toContain('#EXTINF:1.500000,\nseg_a1_00002.ts\n');
  });

  it('keeps the planned target duration unless a segment rounds above it', () => {
    expect(writeEventPlaylist({ segments: [{ uri: 'a.ts', durationS: 4.4 }], targetDurationS: 4, ended: false })).toContain('#EXT-X-TARGETDURATION:4\n');
    expect(writeEventPlaylist({ segments: [{ uri: 'a.ts', durationS: 4.6 }], targetDurationS: 4, ended: false })).toContain('#EXT-X-TARGETDURATION:5\n');
  });

  it('refuses an empty list and non-positive durations', () => {
    expect(() => writeEventPlaylist({ segments: [], targetDurationS: 4, ended: false })).toThrow(RangeError);
    expect(() => writeEventPlaylist({ segments: [{ uri: 'a.ts', durationS: 0 }], targetDurationS: 4, ended: true })).toThrow(RangeError);
  });
});

describe('contiguousStoredSegments', () => {
  it('stops at the first segment not yet stored, even when later ones are', () => {
    const stored = new Set(['seg_a1_00000.ts', 'seg_a1_00002.ts']);
    expect(contiguousStoredSegments(segments, (uri) => stored.has(uri))).toEqual([segments[0]]);
    expect(contiguousStoredSegments(segments, () => true)).toEqual(segments);
    expect(contiguousStoredSegments(segments, () => false)).toEqual([]);
  });
});

describe('plannedBitrates', () => {
  it('gives each video rendition its maxrate as peak and its bitrate as average, audio its bitrate', () => {
    const plan = planLadder(parseProbe(landscape1080p30), LadderOptionsSchema.parse({ rungs: [{ height: 360 }] }));
    const rendition = plan.renditions[0]!;
    const audioKbps = plan.audio!.bitrateKbps;
    expect(plannedBitrates(plan)).toEqual({
      '360p': { peakBps: rendition.maxrateKbps * 1000, averageBps: rendition.videoBitrateKbps * 1000 },
      audio: { peakBps: audioKbps * 1000, averageBps: audioKbps * 1000 },
    });
    expect(writeMasterPlaylist({ plan, measurements: plannedBitrates(plan) })).toContain(
      `#EXT-X-STREAM-INF:BANDWIDTH=${(rendition.maxrateKbps + audioKbps) * 1000},AVERAGE-BANDWIDTH=${(rendition.videoBitrateKbps + audioKbps) * 1000},RESOLUTION=640x360,`,
    );
  });
});
