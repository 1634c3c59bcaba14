import { describe, expect, it } from '@jest/globals';
import { assertSafeKey, jobOutputPrefix, masterKey, objectHeadersFor, originalKey, outputPrefix, posterKey } from '../src/index.js';

describe('storage key layout', () => {
  it('when a file is uploaded, then its original gets a fixed name under uploads/<fileId>/, private like every original', () => {
    expect(originalKey('f1')).toBe('uploads/f1/source');
    expect(() => assertSafeKey(originalKey('f1'))).not.toThrow();
    expect(objectHeadersFor(originalKey('f1'))).toMatchObject({ contentType: 'application/octet-stream', aclApplies: false });
  });

  it('when an older upload kept a name of its own, then it is still an original', () => {
    expect(objectHeadersFor('uploads/f1/cafe-creme.mp4')).toMatchObject({ contentDisposition: 'attachment', aclApplies: false });
  });

  it('when a file is transcoded, then each attempt of each job writes under a folder of its own, master playlist and poster side by side', () => {
    const prefix = outputPrefix('f1', 'j1', 2);
    expect(prefix).toBe('hls/f1/j1/2');
    expect(prefix.startsWith(`${jobOutputPrefix('f1', 'j1')}/`)).toBe(true);
    expect(outputPrefix('f1', 'j1', 3)).not.toBe(prefix);
    expect(masterKey(prefix)).toBe('hls/f1/j1/2/master.m3u8');
    expect(posterKey(prefix)).toBe('hls/f1/j1/2/poster.jpg');
    expect(() => assertSafeKey(masterKey(prefix))).not.toThrow();
    expect(() => outputPrefix('f1', 'j1', 0)).toThrow(RangeError);
    expect(objectHeadersFor(masterKey(prefix))).toMatchObject({ contentType: 'application/vnd.apple.mpegurl', aclApplies: true });
  });
});
