import { describe, expect, it } from '@jest/globals';
import { classifyFfmpegFailure, DECODE_ERROR_RATE_EXIT_CODE, FfmpegFailedError, type FfmpegFailureKind } from '../src/index.js';

// stderr tails captured from ffmpeg 5.1 (Debian 12) unless noted.
const CASES: ReadonlyArray<[string, string, FfmpegFailureKind, string | null]> = [
  [
    'moov at the end, file cut short',
    '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x558587b6c8c0] moov atom not found\ntrunc.mp4: Invalid data found when processing input\n',
    'invalid_media',
    'trunc.mp4: Invalid data found when processing input',
  ],
  [
    'text file named .mp4',
    '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55aa] Format mov,mp4,m4a,3gp,3g2,mj2 detected only with low score of 1, misdetection possible!\n[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55aa] moov atom not found\ntext.mp4: Invalid data found when processing input\n',
    'invalid_media',
    'text.mp4: Invalid data found when processing input',
  ],
  [
    'damaged samples decoded with -xerror',
    '[h264 @ 0x5648d121eac0] corrupted macroblock 32 14 (total_coeff=-1)\n[h264 @ 0x5648d121eac0] error while decoding MB 32 14\n[aac @ 0x5648d11d5540] Reserved bit set.\n[aac @ 0x5648d11d5540] Pulse tool not allowed in eight short sequence.\n',
    'invalid_media',
    '[h264] error while decoding MB 32 14',
  ],
  [
    'stream parameters missing',
    '[mpegts @ 0x1] Could not find codec parameters for stream 0 (Video: h264, none): unspecified size\nConsider increasing the value for the \'analyzeduration\' and \'probesize\' options\n',
    'invalid_media',
    '[mpegts] Could not find codec parameters for stream 0 (Video: h264, none): unspecified size',
  ],
  ['decode error line', 'Error while decoding stream #0:1: Invalid data found when processing input\n', 'invalid_media', 'Error while decoding stream #0:1: Invalid data found when processing input'],
  ['NAL damage', '[h264 @ 0x1] Invalid NAL unit size (1886669717 > 6007).\n[h264 @ 0x1] Error splitting the input into NAL units.\n', 'invalid_media', '[h264] Error splitting the input into NAL units.'],
  ['moov at the front, data cut short', '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] stream 1, offset 0x5e2c1: partial file\n', 'invalid_media', '[mov,mp4,m4a,3gp,3g2,mj2] stream 1, offset 0x5e2c1: partial file'],
  ['no decoder for the input codec', 'Decoder (codec av1) not found for input stream #0:0\n', 'invalid_media', 'Decoder (codec av1) not found for input stream #0:0'],
  [
    'demuxer refused by -format_whitelist',
    "[hls @ 0x5635] Format not on whitelist 'mov,mp4,m4a,3gp,3g2,mj2'\nfile:/tmp/in.mp4: Invalid argument\n",
    'invalid_media',
    "[hls] Format not on whitelist 'mov,mp4,m4a,3gp,3g2,mj2'",
  ],
  ['unknown encoder', "Unknown encoder 'libnope'\n", 'bad_arguments', "Unknown encoder 'libnope'"],
  [
    'unknown filter',
    "[AVFilterGraph @ 0x55] No such filter: 'nofilter'\nError reinitializing filters!\nFailed to inject frame into filter network: Invalid argument\nError while processing the decoded data for stream #0:0\n",
    'bad_arguments',
    'Error reinitializing filters!',
  ],
  ['unknown option', "Unrecognized option 'bogus'.\nError splitting the argument list: Option not found\n", 'bad_arguments', 'Error splitting the argument list: Option not found'],
  [
    'odd size for 4:2:0',
    '[libx264 @ 0x5616] width not divisible by 2 (853x479)\nError initializing output stream 0:0 -- Error while opening encoder for output stream #0:0 - maybe incorrect parameters such as bit_rate, rate, width or height\n',
    'bad_arguments',
    'Error initializing output stream 0:0 -- Error while opening encoder for output stream #0:0 - maybe incorrect parameters such as bit_rate, rate, width or height',
  ],
  ['map of a missing stream', "Stream map '0:a' matches no streams.\nTo ignore this, add a trailing '?' to the map.\n", 'bad_arguments', "Stream map '0:a' matches no streams."],
  [
    'disk full',
    'Could not write header for output file #0 (incorrect codec parameters ?): No space left on device\nError initializing output stream 0:0 -- \n',
    'transient',
    'Could not write header for output file #0 (incorrect codec parameters ?): No space left on device',
  ],
  [
    'disk full after some decode noise: the resource fault wins',
    'Error while decoding stream #0:0: Invalid data found when processing input\n[hls @ 0x1] Failed to write segment: No space left on device\n',
    'transient',
    '[hls] Failed to write segment: No space left on device',
  ],
  ['out of memory', '[libx264 @ 0x1] malloc failed\nCannot allocate memory\n', 'transient', 'Cannot allocate memory'],
  ['missing input file (a worker fault, not the upload)', '/tmp/job/input.mp4: No such file or directory\n', 'transient', null],
  ['empty stderr', '', 'transient', null],
];

describe('classifyFfmpegFailure', () => {
  it.each(CASES)('when %s, then it is classified', (_name, stderr, kind, evidence) => {
    const failure = classifyFfmpegFailure(stderr);
    expect(failure).toEqual({ kind, retryable: kind === 'transient', evidence });
  });

  it('when lines use CR or CRLF, then they are still recognized', () => {
    expect(classifyFfmpegFailure('x\r\nmoov atom not found\r\n').kind).toBe('invalid_media');
    expect(classifyFfmpegFailure('x\rmoov atom not found\r').evidence).toBe('moov atom not found');
  });

  it('when two lines of the same kind match, then the last one is the evidence', () => {
    expect(classifyFfmpegFailure('Error while decoding stream #0:0: A\nError while decoding stream #0:1: B\n').evidence).toBe('Error while decoding stream #0:1: B');
  });
});

describe('FfmpegFailedError', () => {
  it('when ffmpeg exits 69 (-max_error_rate passed), then the input is invalid media whatever stderr says', () => {
    // With a disk-full line in the tail the stderr rules alone would call it transient.
    const error = new FfmpegFailedError({ program: 'ffmpeg', exitCode: DECODE_ERROR_RATE_EXIT_CODE, signal: null, stderrTail: 'No space left on device\n' });
    expect(error.failure).toEqual({ kind: 'invalid_media', retryable: false, evidence: 'too many packets failed to decode (-max_error_rate exceeded)' });
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('ffmpeg exited with code 69 (too many packets failed to decode (-max_error_rate exceeded)): No space left on device');
  });

  it('when ffmpeg exits with another code, then stderr decides', () => {
    expect(new FfmpegFailedError({ program: 'ffmpeg', exitCode: 1, signal: null, stderrTail: 'moov atom not found\n' }).failure.kind).toBe('invalid_media');
  });
});
