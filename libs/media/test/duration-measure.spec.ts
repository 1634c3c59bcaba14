import { describe, expect, it } from '@jest/globals';
import { buildDurationMeasureArgs, InvalidMediaError, PacketSpanMeter, parseProbe, statedDurationS } from '../src/index.js';
import { chromiumVp9OpusPacketLines, chromiumVp9OpusWebm } from './fixtures/ffprobe-recording.fixtures.js';
import { landscape1080p30 } from './fixtures/ffprobe-size.fixtures.js';

function measure(lines: readonly string[]): number | null {
  const meter = new PacketSpanMeter();
  for (const line of lines) meter.push(line);
  return meter.durationS();
}

describe('buildDurationMeasureArgs', () => {
  it('lists packet timings only (no decoding), reading the input through file: with the accepted demuxers', () => {
    expect(buildDurationMeasureArgs('/data/uploads/rec')).toEqual([
      '-v',
      'error',
      '-hide_banner',
      '-show_entries',
      'packet=codec_type,pts_time,dts_time,duration_time',
      '-print_format',
      'compact=p=0',
      '-protocol_whitelist',
      'file',
      '-format_whitelist',
      'mov,mp4,matroska,webm,avi,mpegts,flv,mpeg,ogg,wav,mp3,aac,flac,asf',
      '-i',
      'file:/data/uploads/rec',
    ]);
  });

  it('keeps a path that looks like an option or a URL a plain file name', () => {
    expect(buildDurationMeasureArgs('-x:http://a').slice(-2)).toEqual(['-i', 'file:-x:http://a']);
  });
});

describe('PacketSpanMeter', () => {
  it('when fed a Chromium MediaRecorder WebM, then spans from the first packet to the end of the last Opus packet', () => {
    expect(measure(chromiumVp9OpusPacketLines)).toBe(2.941);
  });

  it('when a stream starts before zero (Opus pre-skip), then the span starts there, as ffmpeg counts a container duration', () => {
    expect(
      measure([
        'codec_type=audio|pts_time=-0.007000|dts_time=-0.007000|duration_time=0.020000',
        'codec_type=video|pts_time=0.007000|dts_time=0.007000|duration_time=0.033000',
        'codec_type=video|pts_time=1.974000|dts_time=1.974000|duration_time=0.033000',
        'codec_type=audio|pts_time=1.994000|dts_time=1.994000|duration_time=0.020000|',
      ]),
    ).toBe(2.021);
  });

  it('when packets come out of presentation order (B-frames), then the latest end counts, not the last line', () => {
    expect(
      measure([
        'codec_type=video|pts_time=0.066667|dts_time=-0.033333|duration_time=0.033333',
        'codec_type=video|pts_time=0.000000|dts_time=0.000000|duration_time=0.033333',
        'codec_type=video|pts_time=0.133333|dts_time=0.033333|duration_time=0.033333',
        'codec_type=video|pts_time=0.100000|dts_time=0.066667|duration_time=0.033333',
      ]),
    ).toBe(0.166666);
  });

  it('when a packet has no pts, then its dts stands in', () => {
    expect(measure(['codec_type=audio|pts_time=N/A|dts_time=0.000000|duration_time=0.5', 'codec_type=audio|pts_time=N/A|dts_time=0.5|duration_time=0.5'])).toBe(1);
  });

  it('ignores subtitle and data packets, packets without any time, and lines that are not packets', () => {
    expect(
      measure([
        'codec_type=audio|pts_time=0.000000|dts_time=0.000000|duration_time=1.000000',
        'codec_type=subtitle|pts_time=0.000000|dts_time=0.000000|duration_time=60.000000',
        'codec_type=data|pts_time=30.000000|dts_time=30.000000|duration_time=N/A',
        'codec_type=audio|pts_time=N/A|dts_time=N/A|duration_time=1.000000',
        'side_data_type=Matroska BlockAdditional',
        'garbage',
      ]),
    ).toBe(1);
  });

  it('when no timed packet was seen, or every packet sits at one instant with no duration, then there is no duration', () => {
    expect(measure([])).toBeNull();
    expect(measure(['codec_type=subtitle|pts_time=0|dts_time=0|duration_time=5'])).toBeNull();
    expect(measure(['codec_type=video|pts_time=0.5|dts_time=0.5|duration_time=N/A'])).toBeNull();
  });
});

describe('statedDurationS and parseProbe with a measured duration', () => {
  it('when the container states no duration (MediaRecorder WebM), then statedDurationS is null', () => {
    expect(statedDurationS(chromiumVp9OpusWebm)).toBeNull();
    expect(statedDurationS({ not: 'a probe', streams: 'nope' })).toBeNull();
  });

  it('when the container states one, then that is the duration and a measured one is never used', () => {
    expect(statedDurationS(landscape1080p30)).toBe(6);
    expect(parseProbe(landscape1080p30, { measuredDurationS: 99 }).durationS).toBe(6);
  });

  it('when the container states none, then the measured duration is the file duration', () => {
    const info = parseProbe(chromiumVp9OpusWebm, { measuredDurationS: 2.941 });
    expect(info).toMatchObject({ formatName: 'matroska,webm', durationS: 2.941, bitrateBps: null, sizeBytes: 232317 });
    // No frame rate to read (1000/1 is the time base, not a rate): the planner's default applies.
    expect(info.video).toMatchObject({ codec: 'vp9', displayWidth: 320, displayHeight: 240, frameRate: null, isVfr: false });
    expect(info.audio).toEqual([expect.objectContaining({ codec: 'opus', channels: 2, sampleRate: 48000 })]);
  });

  it('when nothing states or measured a duration, then the file is invalid media', () => {
    for (const measuredDurationS of [undefined, null, 0, Number.NaN]) {
      expect(() => parseProbe(chromiumVp9OpusWebm, { measuredDurationS })).toThrow(new InvalidMediaError('the duration is missing or zero'));
    }
  });
});
