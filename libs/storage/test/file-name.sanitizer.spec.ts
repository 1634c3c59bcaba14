import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
// eslint-disable-next-line @nx/enforce-module-boundaries -- FC_NUM_RUNS is read once for the suite, in the Jest setup file
import { numRuns } from '../../../tools/testing/fast-check.setup.js';
import { assertSafeKey, MAX_FILE_NAME_LENGTH, safeFileName } from '../src/index.js';

describe('safeFileName', () => {
  it.each([
    ['clip.mp4', 'clip.mp4'],
    ['My Holiday Video (Final).MOV', 'my-holiday-video-final.mov'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\system32\\cmd.exe', 'cmd.exe'],
    ['C:\\Users\\me\\Videos\\talk.mkv', 'talk.mkv'],
    ['/absolute/path/to/file.webm', 'file.webm'],
    ['uploads/../', 'upload'],
    ['..', 'upload'],
    ['.', 'upload'],
    ['', 'upload'],
    ['   ', 'upload'],
    ['.mp4', 'mp4'],
    ['.htaccess', 'htaccess'],
    ['Café Crème.mp4', 'cafe-creme.mp4'],
    ['ﬁlm.mp4', 'film.mp4'],
    ['видео.mp4', 'upload.mp4'],
    ['映画 2024.mkv', '2024.mkv'],
    ['😀😀.mp4', 'upload.mp4'],
    ['bad\u0000name\u0007\n.mp4', 'bad-name.mp4'],
    ['my.movie.v2.final.mp4', 'my-movie-v2-final.mp4'],
    ['archive.tar.gz', 'archive-tar.gz'],
    ['noext', 'noext'],
    ['weird.ext-with-dash', 'weird-ext-with-dash'],
    ['trailing-dot.', 'trailing-dot'],
    ['__init__.py', 'init.py'],
    ['x.partial-0123456789abcdef', 'x-partial-0123456789abcdef'],
  ])('%j becomes %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });

  it('caps very long names at 100 characters and keeps the extension', () => {
    const name = safeFileName(`${'a'.repeat(500)}.mp4`);

    expect(name).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(name.endsWith('.mp4')).toBe(true);
  });

  it('does not end the stem in a dash after truncation', () => {
    const name = safeFileName(`${'ab-'.repeat(60)}.mp4`);

    expect(name).toMatch(/^[a-z0-9-]*[a-z0-9]\.mp4$/);
  });

  it('always returns one short, safe, readable key segment (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (input) => {
        const name = safeFileName(input);
        expect(name.length).toBeGreaterThan(0);
        expect(name.length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
        expect(name).toMatch(/^[a-z0-9][a-z0-9_-]*(\.[a-z0-9]{1,10})?$/);
        expect(() => assertSafeKey(`uploads/abc/${name}`)).not.toThrow();
      }),
      { numRuns: numRuns(500) },
    );
  });
});
