import { describe, expect, it } from '@jest/globals';
import { tusErrorCode } from '../src/uploads/tus-error.mapper.js';
import { describedFile, ingestedFileId, OWNER_METADATA_KEY, uploadMetadataFor, uploadOwner, withIngestedFileId } from '../src/uploads/tus-metadata.js';

describe('tus upload metadata', () => {
  it('when a client sends filename, filetype and other keys, then only those two are kept, with the creator as owner', () => {
    const kept = uploadMetadataFor({ filename: 'clip.mp4', filetype: 'video/mp4', relativePath: null, note: 'x'.repeat(10_000) }, 'alice');
    expect(kept).toEqual({ filename: 'clip.mp4', filetype: 'video/mp4', [OWNER_METADATA_KEY]: 'alice' });
    expect(uploadOwner(kept)).toBe('alice');
  });

  it('when a client claims an owner in its metadata, then the caller is recorded instead', () => {
    expect(uploadOwner(uploadMetadataFor({ [OWNER_METADATA_KEY]: 'bob' }, 'alice'))).toBe('alice');
  });

  it('when a client sends Uppy-style name and type only, then they stand in for filename and filetype', () => {
    expect(uploadMetadataFor({ name: 'a.webm', type: 'video/webm' }, 'o')).toEqual({ filename: 'a.webm', filetype: 'video/webm', [OWNER_METADATA_KEY]: 'o' });
  });

  it('when an upload became a file, then its state names the file and keeps everything else', () => {
    const before = uploadMetadataFor({ filename: 'a.mp4' }, 'alice');
    expect(ingestedFileId(before)).toBeUndefined();
    const after = withIngestedFileId(before, 'f1');
    expect([ingestedFileId(after), uploadOwner(after), describedFile(after).originalName]).toEqual(['f1', 'alice', 'a.mp4']);
  });

  it('when the name or type is unsafe or missing, then they are cleaned as multipart uploads are', () => {
    expect(describedFile({ filename: 'evil\u202egpj.mp4\u0000', filetype: 'text/html; charset=x' })).toEqual({ originalName: 'evilgpj.mp4', mime: 'application/octet-stream' });
    expect(describedFile(undefined)).toEqual({ originalName: 'upload', mime: 'application/octet-stream' });
  });
});

describe('tus statuses as problem codes', () => {
  it('when tus answers a protocol error, then it maps to a stable code; success statuses map to none', () => {
    expect([400, 403, 404, 409, 410, 412, 413, 415, 500, 501, 503].map(tusErrorCode)).toEqual([
      'invalid_tus_request',
      'invalid_tus_request',
      'upload_not_found',
      'upload_offset_mismatch',
      'upload_expired',
      'tus_version_required',
      'payload_too_large',
      'unsupported_media_type',
      'internal_error',
      'tus_extension_unsupported',
      'service_unavailable',
    ]);
    expect([200, 201, 204].map(tusErrorCode)).toEqual([undefined, undefined, undefined]);
  });
});
