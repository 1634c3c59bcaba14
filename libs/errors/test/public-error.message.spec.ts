import { describe, expect, it } from '@jest/globals';
import { PUBLIC_MESSAGE_CODES, publicErrorMessage } from '../src/index.js';

describe('publicErrorMessage', () => {
  it('when the media is bad, then the fixed message is followed by the decoder reason without paths or hosts', () => {
    expect(publicErrorMessage('invalid_media', 'ffprobe could not read "/tmp/reelforge-job-x/source": moov atom not found')).toBe(
      'The file is not usable video or audio. Reason: ffprobe could not read "[path]": moov atom not found',
    );
    expect(publicErrorMessage('unsupported_input', 'the file is a still image, not a video')).toBe(
      'The file is media that Reelforge does not transcode. Reason: the file is a still image, not a video',
    );
    expect(publicErrorMessage('ffmpeg_failed', 'ffmpeg exited with code 1: file:/srv/x/source: Invalid data found')).toBe(
      'Encoding failed. Reason: ffmpeg exited with code 1: [path] Invalid data found',
    );
  });

  it('when the reason is long, then it is cut at 500 characters; when it is empty, only the fixed message remains', () => {
    const message = publicErrorMessage('invalid_media', 'x'.repeat(2000));
    expect(message).toBe(`The file is not usable video or audio. Reason: ${'x'.repeat(500)}…`);
    expect(publicErrorMessage('invalid_media', null)).toBe('The file is not usable video or audio.');
  });

  it('when storage or the machinery failed, then only the fixed message is shown: no bucket, endpoint or path', () => {
    const raw = 'S3 putObject failed for bucket "acme-private" at https://minio.internal:9000: connect ECONNREFUSED 10.0.0.5:9000';
    expect(publicErrorMessage('storage_unavailable', raw)).toBe('Storage was unavailable; the error has been logged.');
    expect(publicErrorMessage('source_missing', 'The uploaded source is gone from storage: Storage object not found: "uploads/a/source"')).toBe(
      'The uploaded file is no longer in storage.',
    );
    expect(publicErrorMessage('internal_error', 'TypeError at /app/dist/main.js:12')).toBe('Something went wrong on our side; the error has been logged.');
    expect(publicErrorMessage('invalid_job', 'ZodError: ...')).toBe('The job could not be read; the error has been logged.');
  });

  it('when the code is unknown, then a generic message is shown', () => {
    expect(publicErrorMessage('something_new', 'secret detail at /srv')).toBe('The transcode failed; the error has been logged.');
  });

  it('when Reelforge wrote the text itself (limits), then it is shown as written', () => {
    const text = 'The input is larger than this installation accepts: the duration is 50000 s, above the limit of 43200 s.';
    expect(publicErrorMessage('input_too_large', text)).toBe(text);
    expect(publicErrorMessage('job_timeout', 'The transcode ran longer than its time limit of 300 s and was stopped.')).toBe(
      'The transcode ran longer than its time limit of 300 s and was stopped.',
    );
  });

  it('when an import failed, then the message Reelforge wrote is shown as it is', () => {
    expect(publicErrorMessage('import_failed', 'The source answered HTTP 404.')).toBe('The source answered HTTP 404.');
    expect(publicErrorMessage('import_timeout', 'The fetch did not finish within 3 s.')).toBe('The fetch did not finish within 3 s.');
  });

  it('governs every code it has a message for', () => {
    expect([...PUBLIC_MESSAGE_CODES].sort()).toEqual(
      [
        'attempts_exhausted',
        'cancelled',
        'ffmpeg_failed',
        'ffmpeg_missing',
        'import_failed',
        'import_refused',
        'import_timeout',
        'input_too_large',
        'internal_error',
        'invalid_job',
        'invalid_media',
        'job_timeout',
        'payload_too_large',
        'probe_timeout',
        'source_missing',
        'storage_not_found',
        'storage_unavailable',
        'unsupported_input',
        'upload_expired',
      ],
    );
  });
});
