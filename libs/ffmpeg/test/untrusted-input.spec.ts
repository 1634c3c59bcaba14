import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { untrustedInputArgs } from '@reelforge/media';
import { makeFixture } from '../src/testing/index.js';

const run = promisify(execFile);
/** Real ffmpeg, reading `input` the way the worker reads an upload, decoding to nowhere. */
const decode = (input: string) =>
  run('ffmpeg', ['-hide_banner', '-v', 'error', ...untrustedInputArgs(input), '-f', 'null', '-']).then(
    () => ({ ok: true, stderr: '' }),
    (err: { stderr?: string }) => ({ ok: false, stderr: err.stderr ?? '' }),
  );

describe('ffmpeg reading an untrusted input', () => {
  let dir: string;
  let clip: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-untrusted-'));
    clip = path.join(dir, 'real.mp4');
    await copyFile(await makeFixture('landscape-720p', { durationS: 1 }), clip);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when the input is real media with an awkward name, then it decodes', async () => {
    const awkward = path.join(dir, '-x:y.mp4');
    await copyFile(clip, awkward);
    expect(await decode(awkward)).toEqual({ ok: true, stderr: '' });
  });

  it('when an "mp4" is really an HLS playlist naming another file, then ffmpeg refuses the demuxer and opens nothing', async () => {
    const playlist = path.join(dir, 'upload.mp4');
    await writeFile(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:${clip}\n#EXT-X-ENDLIST\n`);
    const result = await decode(playlist);
    expect(result.ok).toBe(false);
    expect(result.stderr).not.toMatch(/real\.mp4/);
  });

  it('when an "mp4" is a concat list, then it is refused too', async () => {
    const list = path.join(dir, 'list.mp4');
    await writeFile(list, `ffconcat version 1.0\nfile '${clip}'\n`);
    expect((await decode(list)).ok).toBe(false);
  });
});
