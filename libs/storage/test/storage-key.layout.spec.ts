import { describe, expect, it } from '@jest/globals';
import { assertSafeKey, masterKey, objectHeadersFor, originalKey, outputPrefix, posterKey } from '../src/index.js';

describe('storage key layout', () => {
  it('when a file is uploaded, then its original gets a fixed name under uploads/<fileId>/, private like every original', () => {
    expect(originalKey('f1')).toBe('uploads/f1/source');
    expect(() => assertSafeKey(originalKey('f1'))).not.toThrow();
    expect(objectHeadersFor(originalKey('f1'))).toMatchObject({ contentType: 'application/octet-stream', aclApplies: false });
  });

  it('when an older upload kept a name of its own, then it is still an original', () => {
    expect(objectHeadersFor('uploads/f1/cafe-creme.mp4')).toMatchObject({ contentDisposition: 'attachment', aclApplies: false });
  });

  it("when a file is transcoded, then its output lives under hls/<fileId>/ with the master playlist and poster beside each other", () => {
    const prefix = outputPrefix('f1');
    expect(prefix).toBe('hls/f1');
    expect(masterKey(prefix)).toBe('hls/f1/master.m3u8');
    expect(posterKey(prefix)).toBe('hls/f1/poster.jpg');
    expect(objectHeadersFor(masterKey(prefix))).toMatchObject({ contentType: 'application/vnd.apple.mpegurl', aclApplies: true });
  });
});
