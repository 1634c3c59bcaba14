import { describe, expect, it } from '@jest/globals';
import {
  DECODE_ERROR_RATE_EXIT_CODE,
  FfmpegCancelledError,
  FfmpegFailedError,
  FfmpegNotFoundError,
  ProbeFailedError,
  ProbeTimeoutError,
} from '@reelforge/ffmpeg';
import { InputTooLargeError, InvalidMediaError, UnsupportedInputError } from '@reelforge/media';
import { InvalidStorageKeyError, StorageError, StorageNotFoundError } from '@reelforge/storage';
import { z } from 'zod';
import { decideFailure } from '../src/transcode/failure.policy.js';
import { JobTimeoutError } from '../src/transcode/job-timeout.error.js';
import { SourceFileMissingError } from '../src/transcode/transcode.processor.js';

const ffmpegExit = (stderrTail: string, exitCode: number | null = 1, signal: NodeJS.Signals | null = null) =>
  new FfmpegFailedError({ program: 'ffmpeg', exitCode, signal, stderrTail });

function zodError(): unknown {
  try {
    z.object({ jobId: z.string() }).parse({});
  } catch (err) {
    return err;
  }
  throw new Error('expected a ZodError');
}

describe('decideFailure', () => {
  it.each([
    ['bad probe facts (libs/media)', 'invalid_media', new InvalidMediaError('the file has no video or audio stream')],
    ['a still image (libs/media)', 'unsupported_input', new UnsupportedInputError('a single PNG frame is not a video')],
    ['unreadable by ffprobe', 'invalid_media', new ProbeFailedError('clip.mp4', 'moov atom not found', '')],
    ['ffmpeg: broken input', 'invalid_media', ffmpegExit('[mov,mp4] moov atom not found\nclip.mp4: Invalid data found when processing input\n')],
    ['ffmpeg: too many undecodable packets', 'invalid_media', ffmpegExit('', DECODE_ERROR_RATE_EXIT_CODE)],
    ['ffmpeg: this build rejects the command', 'ffmpeg_failed', ffmpegExit('Unknown encoder \'libfoo\'\n')],
    ['the source is gone from storage', 'source_missing', new StorageNotFoundError('uploads/x/clip.mp4')],
    ["the job's file row is gone", 'source_missing', new SourceFileMissingError('f1')],
    ['an input above an operator limit', 'input_too_large', new InputTooLargeError('the duration is 50000 s, above the limit of 43200 s', { limit: 'durationS' })],
    ['an attempt past its time limit', 'job_timeout', new JobTimeoutError(301_000)],
    ['a malformed job payload', 'invalid_job', zodError()],
    ['a cancelled ffmpeg (handled before the policy)', 'cancelled', new FfmpegCancelledError('ffmpeg', 'cancelled')],
  ])('when the failure is %s, then it is final (no retry) with code %s', (_what, code, err) => {
    expect(decideFailure(err)).toMatchObject({ code, retryable: false });
  });

  it.each([
    ['storage or network trouble', 'storage_unavailable', new StorageError('PUT hls/x/360p/seg_00001.ts failed: socket hang up')],
    ['ffmpeg killed by someone else (OOM killer)', 'ffmpeg_failed', ffmpegExit('', null, 'SIGKILL')],
    ['ffmpeg out of disk', 'ffmpeg_failed', ffmpegExit('av_interleaved_write_frame(): No space left on device\n')],
    ['ffmpeg failing without a recognisable reason', 'ffmpeg_failed', ffmpegExit('something odd\n')],
    ['ffprobe too slow on a loaded machine', 'probe_timeout', new ProbeTimeoutError('clip.mp4', 30_000)],
    ['ffmpeg missing on this machine only', 'ffmpeg_missing', new FfmpegNotFoundError('ffmpeg', 'ENOENT')],
    ['an unexpected error', 'internal_error', new Error('Connection terminated unexpectedly')],
    ['something thrown that is not an Error', 'internal_error', 'a string'],
  ])('when the failure is %s, then it is retried with code %s', (_what, code, err) => {
    expect(decideFailure(err)).toMatchObject({ code, retryable: true });
  });

  it('when a storage key is refused, then that is not mistaken for a transient fault', () => {
    expect(decideFailure(new InvalidStorageKeyError('../etc/passwd', 'parent segments are not allowed'))).toMatchObject({
      code: 'invalid_job',
      retryable: false,
    });
  });

  it('when the source is gone, then the message says so in words a user can act on', () => {
    expect(decideFailure(new StorageNotFoundError('uploads/x/clip.mp4')).message).toBe(
      'The uploaded source is gone from storage: Storage object not found: "uploads/x/clip.mp4"',
    );
  });

  it('when the message is huge, then it is cut to 2000 characters', () => {
    const decision = decideFailure(new Error('x'.repeat(10_000)));
    expect(decision.message).toHaveLength(2_000);
  });
});
