import { describe, expect, it } from '@jest/globals';
import { StorageError, StorageNotFoundError } from '../src/index.js';
import { isS3InvalidRange, mapS3Error } from '../src/s3-error.mapper.js';

const context = { operation: 'getStream', key: 'hls/f1/master.m3u8', secrets: ['AKIDSECRETID', 'sup3r-s3cret'] };

function sdkError(name: string, message: string, status?: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

describe('mapS3Error', () => {
  it.each([
    sdkError('NoSuchKey', 'The specified key does not exist.', 404),
    sdkError('NotFound', '', 404),
    sdkError('UnknownError', 'odd', 404),
  ])('maps a missing object (%p) to StorageNotFoundError', (err) => {
    const mapped = mapS3Error(err, context);

    expect(mapped).toBeInstanceOf(StorageNotFoundError);
    expect(mapped).toMatchObject({ code: 'storage_not_found', key: 'hls/f1/master.m3u8' });
  });

  it('treats a missing bucket as a storage fault', () => {
    expect(mapS3Error(sdkError('NoSuchBucket', 'The specified bucket does not exist', 404), context)).toBeInstanceOf(StorageError);
  });

  it('names operation, key, error and status, and keeps the cause', () => {
    const err = sdkError('SlowDown', 'Please reduce your request rate.', 503);
    const mapped = mapS3Error(err, context);

    expect(mapped).toBeInstanceOf(StorageError);
    expect(mapped.message).toBe(
      'S3 getStream failed for key "hls/f1/master.m3u8": SlowDown Please reduce your request rate. (HTTP 503)',
    );
    expect(mapped.cause).toBe(err);
  });

  it('uses the socket error code when the message is empty', () => {
    const err = Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' });

    expect(mapS3Error(err, context).message).toBe('S3 getStream failed for key "hls/f1/master.m3u8": ECONNREFUSED');
  });

  it('redacts credentials that appear in a message', () => {
    const err = sdkError('InvalidAccessKeyId', 'Key AKIDSECRETID with secret sup3r-s3cret is invalid', 403);
    const { message } = mapS3Error(err, context);

    expect(message).not.toContain('AKIDSECRETID');
    expect(message).not.toContain('sup3r-s3cret');
    expect(message).toContain('[redacted]');
  });

  it('passes errors of this library through unchanged', () => {
    const own = new StorageError('already mapped');

    expect(mapS3Error(own, context)).toBe(own);
  });

  it('copes with non-Error values', () => {
    expect(mapS3Error('boom', context).message).toBe('S3 getStream failed for key "hls/f1/master.m3u8": Error boom');
  });
});

describe('isS3InvalidRange', () => {
  it('recognises 416 responses', () => {
    expect(isS3InvalidRange(sdkError('InvalidRange', 'The requested range is not satisfiable', 416))).toBe(true);
    expect(isS3InvalidRange(sdkError('NoSuchKey', '', 404))).toBe(false);
  });
});
