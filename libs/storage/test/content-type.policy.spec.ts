import { describe, expect, it } from '@jest/globals';
import { cacheControlFor, contentTypeFor, objectHeadersFor } from '../src/index.js';

describe('contentTypeFor', () => {
  it.each([
    ['hls/f/master.m3u8', 'application/vnd.apple.mpegurl'],
    ['hls/f/720p/index.m3u8', 'application/vnd.apple.mpegurl'],
    ['hls/f/720p/seg_00001.ts', 'video/mp2t'],
    ['hls/f/720p/seg_00001.m4s', 'video/iso.segment'],
    ['hls/f/audio/seg_00001.aac', 'audio/aac'],
    ['hls/f/poster.jpg', 'image/jpeg'],
    ['hls/f/poster.JPEG', 'image/jpeg'],
    ['hls/f/subs/en.vtt', 'text/vtt'],
    ['uploads/f/clip.MP4', 'video/mp4'],
    ['uploads/f/clip.mov', 'video/quicktime'],
    ['uploads/f/clip.mkv', 'video/x-matroska'],
    ['uploads/f/clip.webm', 'video/webm'],
    ['uploads/f/noext', 'application/octet-stream'],
    ['uploads/f/.hidden', 'application/octet-stream'],
    ['uploads/dir.ts/file', 'application/octet-stream'],
    ['uploads/f/file.unknown', 'application/octet-stream'],
  ])('%s → %s', (key, type) => {
    expect(contentTypeFor(key)).toBe(type);
  });
});

describe('cacheControlFor', () => {
  it.each([
    ['hls/f/master.m3u8', 'public, max-age=10'],
    ['hls/f/720p/index.M3U8', 'public, max-age=10'],
    ['hls/f/720p/seg_00001.ts', 'public, max-age=31536000, immutable'],
    ['hls/f/720p/seg_00001.m4s', 'public, max-age=31536000, immutable'],
    ['hls/f/audio/seg_00001.aac', 'public, max-age=31536000, immutable'],
    ['hls/f/poster.jpg', 'public, max-age=3600'],
    ['hls/f/subs/en.vtt', 'public, max-age=3600'],
    ['uploads/f/clip.mp4', 'private, no-cache'],
    ['uploads/f/noext', 'private, no-cache'],
  ])('%s → %s', (key, value) => {
    expect(cacheControlFor(key)).toBe(value);
  });
});

describe('objectHeadersFor', () => {
  const original = { contentType: 'application/octet-stream', cacheControl: 'private, no-cache', contentDisposition: 'attachment', aclApplies: false };

  it.each([
    ['uploads/f/clip.mp4', {}],
    ['uploads/f/page.html', { contentType: 'text/html' }],
    ['uploads/f/noext', { contentType: 'video/mp4', cacheControl: 'public, max-age=31536000' }],
  ])('when %s is an original (asked for %j), then it is a private octet-stream attachment', (key, requested) => {
    expect(objectHeadersFor(key, requested)).toEqual(original);
  });

  it('when HLS output is stored, then its type and caching follow its extension and the ACL applies', () => {
    expect(objectHeadersFor('hls/f/720p/seg_00001.ts')).toEqual({
      contentType: 'video/mp2t',
      cacheControl: 'public, max-age=31536000, immutable',
      contentDisposition: undefined,
      aclApplies: true,
    });
    expect(objectHeadersFor('hls/f/master.m3u8')).toMatchObject({ contentType: 'application/vnd.apple.mpegurl', cacheControl: 'public, max-age=10', aclApplies: true });
  });

  it('when the caller asks for a type or caching of other objects, then that wins', () => {
    expect(objectHeadersFor('hls/f/custom.bin', { contentType: 'video/mp2t', cacheControl: 'no-store' })).toMatchObject({ contentType: 'video/mp2t', cacheControl: 'no-store' });
  });

  it('when a key only starts like uploads (no slash), then it is not an original', () => {
    expect(objectHeadersFor('uploads-archive/clip.mp4')).toMatchObject({ contentType: 'video/mp4', aclApplies: true });
  });
});
