import { describe, expect, it } from '@jest/globals';
import { assertSafeKey, InvalidStorageKeyError } from '../src/index.js';
import { toFolderPrefix } from '../src/storage-key.guard.js';

describe('assertSafeKey', () => {
  it.each([
    'uploads/abc123/clip.mp4',
    'hls/abc123/720p/seg_00001.ts',
    'hls/abc123/master.m3u8',
    'a',
    '.hidden/file',
    'name..with..dots',
    'unicode/vidéo 映画.mp4',
    'x'.repeat(1024),
  ])('accepts %j', (key) => {
    expect(() => assertSafeKey(key)).not.toThrow();
  });

  it.each([
    ['', /non-empty/],
    ['/etc/passwd', /leading/],
    ['../secret', /"\.\." segments/],
    ['hls/../../etc/passwd', /"\.\." segments/],
    ['hls/..', /"\.\." segments/],
    ['hls/./x', /"\.\." segments/],
    ['hls\\x', /backslash/],
    ['hls/a\u0000b', /control/],
    ['hls/a\nb', /control/],
    ['hls//x', /empty segments/],
    ['hls/x/', /empty segments/],
    ['x'.repeat(1025), /1024 bytes/],
    ['é'.repeat(513), /1024 bytes/],
    ['hls/x.ts.partial-0123456789abcdef', /in-flight/],
  ])('rejects %j', (key, reason) => {
    let error: unknown;
    try {
      assertSafeKey(key);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidStorageKeyError);
    expect(error).toMatchObject({ code: 'invalid_storage_key', key });
    expect((error as Error).message).toMatch(reason);
  });

  it('keeps the message short for a huge hostile key', () => {
    expect(() => assertSafeKey('/'.repeat(100_000))).toThrow(/^.{0,250}$/);
  });
});

describe('toFolderPrefix', () => {
  it('treats a prefix as a folder, with or without the trailing slash', () => {
    expect(toFolderPrefix('hls/abc', { allowRoot: false })).toBe('hls/abc/');
    expect(toFolderPrefix('hls/abc/', { allowRoot: false })).toBe('hls/abc/');
  });

  it('allows the root only when asked', () => {
    expect(toFolderPrefix('', { allowRoot: true })).toBe('');
    expect(() => toFolderPrefix('', { allowRoot: false })).toThrow(InvalidStorageKeyError);
  });

  it('rejects unsafe folders', () => {
    expect(() => toFolderPrefix('hls/../', { allowRoot: true })).toThrow(InvalidStorageKeyError);
    expect(() => toFolderPrefix('/', { allowRoot: true })).toThrow(InvalidStorageKeyError);
  });
});
