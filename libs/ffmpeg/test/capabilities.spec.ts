import { describe, expect, it } from '@jest/globals';
import { parseEncoderNames, parseFilterNames, parseVersion } from '../src/capabilities.parser.js';
import { FfmpegNotFoundError, checkFfmpeg, checkFfprobe } from '../src/index.js';

const ENCODERS = `Encoders:
 V..... = Video
 A..... = Audio
 S..... = Subtitle
 .F.... = Frame-level multithreading
 ------
 V....D a64multi             Multicolor charset for Commodore 64 (codec a64_multi)
 V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
 A..... aac                  AAC (Advanced Audio Coding)
 A....D libopus              libopus Opus (codec opus)
 S..... ass                  ASS (Advanced SubStation Alpha) subtitle
`;

const FILTERS = `Filters:
  T.. = Timeline support
  .S. = Slice threading
  ..C = Command support
  A = Audio input/output
  V = Video input/output
  N = Dynamic number and/or type of input/output
  | = Source or sink filter
 ... abench            A->A       Benchmark part of a filtergraph.
 ..C scale             V->V       Scale the input video size and/or convert the image format.
 .S. tonemap           V->V       Conversion to/from different dynamic ranges.
 .SC zscale            V->V       Apply resizing, colorspace and bit depth conversion.
 ... testsrc2          |->V       Generate another test pattern.
 ... concat            N->N       Concatenate audio and video streams.
`;

describe('capability parsers', () => {
  it('when given -version output, then the version token is returned', () => {
    expect(parseVersion('ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers\nbuilt with gcc 12', 'ffmpeg')).toBe('5.1.9-0+deb12u1');
    expect(parseVersion('ffprobe version n7.1 Copyright', 'ffprobe')).toBe('n7.1');
    expect(parseVersion('something else', 'ffmpeg')).toBeNull();
  });

  it('when given -encoders output, then encoder names are found and the legend is not', () => {
    expect([...parseEncoderNames(ENCODERS)]).toEqual(['a64multi', 'libx264', 'aac', 'libopus', 'ass']);
  });

  it('when given -filters output, then filter names are found and the legend is not', () => {
    expect([...parseFilterNames(FILTERS)]).toEqual(['abench', 'scale', 'tonemap', 'zscale', 'testsrc2', 'concat']);
  });
});

describe('checkFfmpeg', () => {
  it('when ffmpeg is installed, then versions, encoders and filters are reported', async () => {
    const capabilities = await checkFfmpeg();
    expect(capabilities.ffmpegVersion).toMatch(/^\S+$/);
    expect(capabilities.ffmpegVersion).not.toBe('unknown');
    expect(capabilities.ffprobeVersion).not.toBe('unknown');
    expect(capabilities.encoders).toEqual({ libx264: true, aac: true });
    expect(typeof capabilities.filters.zscale).toBe('boolean');
    expect(typeof capabilities.filters.tonemap).toBe('boolean');
  });

  it('when ffmpeg is missing, then it rejects with FfmpegNotFoundError', async () => {
    await expect(checkFfmpeg({ ffmpegPath: '/nonexistent/ffmpeg' })).rejects.toBeInstanceOf(FfmpegNotFoundError);
  });
});

describe('checkFfprobe', () => {
  it('when ffprobe is installed, then its version is reported', async () => {
    expect((await checkFfprobe()).ffprobeVersion).toMatch(/^\S+$/);
    expect((await checkFfprobe()).ffprobeVersion).not.toBe('unknown');
  });

  it('when ffprobe is missing, then it rejects with FfmpegNotFoundError', async () => {
    await expect(checkFfprobe({ ffprobePath: '/nonexistent/ffprobe' })).rejects.toBeInstanceOf(FfmpegNotFoundError);
  });
});
