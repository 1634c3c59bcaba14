import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { probe } from '@reelforge/ffmpeg';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { LadderOptionsSchema, parseProbe, planLadder, type TranscodePlan } from '@reelforge/media';
import { LocalDriver } from '@reelforge/storage';
import { HlsOutputPublisher } from '../src/transcode/hls-output.publisher.js';

const PREFIX = 'hls/f1/j1/1';
const LIMIT_MS = 30_000;

/** What ffmpeg's hls muxer writes for `-hls_playlist_type event`, listing `count` one-second segments. */
function ffmpegPlaylist(count: number, ended: boolean): string {
  const segments = Array.from({ length: count }, (_, i) => `#EXTINF:1.000000,\nseg_a1_0000${i}.ts`);
  return ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-TARGETDURATION:1', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:EVENT', ...segments, ...(ended ? ['#EXT-X-ENDLIST'] : [])].join('\n') + '\n';
}

async function until<T>(what: string, probeValue: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + LIMIT_MS;
  for (;;) {
    const value = await probeValue();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${LIMIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('HlsOutputPublisher', () => {
  let plan: TranscodePlan;
  let scratch: string;
  let poster: string;

  beforeAll(async () => {
    const source = await makeFixture('tiny-240p', { durationS: 1 });
    plan = planLadder(parseProbe(await probe(source)), LadderOptionsSchema.parse({ rungs: [{ height: 240 }], segmentSeconds: 1 }));
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-publisher-'));
    poster = path.join(scratch, 'poster.jpg');
    await writeFile(poster, 'jpeg');
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
    await cleanupFixtures();
  });

  async function setup(onPlayable: () => Promise<void> = async () => undefined) {
    const root = await mkdtemp(path.join(scratch, 'run-'));
    const localDir = path.join(root, 'out');
    const publishDir = path.join(root, 'publish');
    await Promise.all(['240p', 'audio'].map((name) => mkdir(path.join(localDir, name), { recursive: true })));
    await mkdir(publishDir);
    const storage = new LocalDriver({ rootDir: path.join(root, 'storage'), publicBaseUrl: 'http://127.0.0.1' });
    const publisher = new HlsOutputPublisher({ storage, plan, localDir, publishDir, keyPrefix: PREFIX, onPlayable, pollIntervalMs: 10 });
    const stored = async (key: string) => ((await storage.stat(key)) ? await readFile(storage.localPath(key)!, 'utf8') : undefined);
    const ffmpegWrites = (rel: string, text: string) => writeFile(path.join(localDir, rel), text);
    return { publisher, stored, ffmpegWrites, localDir };
  }

  it('when segments appear while ffmpeg runs, then playlists name only stored ones, and the master waits for every rendition and the poster', async () => {
    let playable = 0;
    const { publisher, stored, ffmpegWrites, localDir } = await setup(async () => {
      playable += 1;
    });
    await ffmpegWrites('240p/seg_a1_00000.ts', 'video-0');
    // ffmpeg lists a segment while its file is still being written under .tmp: it must not be named yet.
    await ffmpegWrites('240p/seg_a1_00001.ts.tmp', 'video-1');
    await ffmpegWrites('240p/index.m3u8', ffmpegPlaylist(2, false));
    publisher.start();

    const video = await until('the 240p playlist', () => stored(`${PREFIX}/240p/index.m3u8`));
    expect(video).toBe(
      ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:1', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:EVENT', '#EXT-X-INDEPENDENT-SEGMENTS', '#EXTINF:1.000000,', 'seg_a1_00000.ts', ''].join('\n'),
    );
    await ffmpegWrites('audio/seg_a1_00000.ts', 'audio-0');
    await ffmpegWrites('audio/index.m3u8', ffmpegPlaylist(1, false));
    await until('the audio playlist', () => stored(`${PREFIX}/audio/index.m3u8`));
    // Every rendition has a segment, but the poster is not stored: no master yet.
    expect(await stored(`${PREFIX}/master.m3u8`)).toBeUndefined();
    expect(playable).toBe(0);

    await publisher.publishPoster(poster);
    const master = await until('the master playlist', () => stored(`${PREFIX}/master.m3u8`));
    expect(master).toContain(`BANDWIDTH=${(plan.renditions[0]!.maxrateKbps + plan.audio!.bitrateKbps) * 1000},`);
    await until('playable', async () => (playable === 1 ? true : undefined));

    await rename(path.join(localDir, '240p/seg_a1_00001.ts.tmp'), path.join(localDir, '240p/seg_a1_00001.ts'));
    await ffmpegWrites('240p/index.m3u8', ffmpegPlaylist(2, true));
    await ffmpegWrites('audio/index.m3u8', ffmpegPlaylist(1, true));
    await ffmpegWrites('storyboard.vtt', 'WEBVTT\n');
    await publisher.finish();
    expect(await stored(`${PREFIX}/240p/index.m3u8`)).toBe(`${video}#EXTINF:1.000000,\nseg_a1_00001.ts\n#EXT-X-ENDLIST\n`);
    expect(await stored(`${PREFIX}/audio/index.m3u8`)).toMatch(/seg_a1_00000\.ts\n#EXT-X-ENDLIST\n$/);
    expect(await stored(`${PREFIX}/storyboard.vtt`)).toBe('WEBVTT\n');
    expect([...publisher.sizes().keys()].sort()).toEqual(['240p/seg_a1_00000.ts', '240p/seg_a1_00001.ts', 'audio/seg_a1_00000.ts', 'storyboard.vtt']);

    await publisher.publishFinalMaster('#EXTM3U\n#measured\n');
    expect(await stored(`${PREFIX}/master.m3u8`)).toBe('#EXTM3U\n#measured\n');
    expect(playable).toBe(1);
  });

  it('when the job ends before it was ever playable, then the final master announces playable', async () => {
    let playable = 0;
    const { publisher, ffmpegWrites } = await setup(async () => {
      playable += 1;
    });
    await ffmpegWrites('240p/seg_a1_00000.ts', 'v');
    await ffmpegWrites('240p/index.m3u8', ffmpegPlaylist(1, true));
    await ffmpegWrites('audio/seg_a1_00000.ts', 'a');
    await ffmpegWrites('audio/index.m3u8', ffmpegPlaylist(1, true));
    await publisher.finish();
    expect(playable).toBe(0);
    await publisher.publishFinalMaster('#EXTM3U\n');
    expect(playable).toBe(1);
  });

  it("when ffmpeg's playlist has no end at finish, then the attempt fails instead of publishing a cut ladder", async () => {
    const { publisher, ffmpegWrites, stored } = await setup();
    await ffmpegWrites('240p/seg_a1_00000.ts', 'v');
    await ffmpegWrites('240p/index.m3u8', ffmpegPlaylist(1, false));
    await ffmpegWrites('audio/seg_a1_00000.ts', 'a');
    await ffmpegWrites('audio/index.m3u8', ffmpegPlaylist(1, true));
    await expect(publisher.finish()).rejects.toThrow(/240p\/index\.m3u8 did not end/);
    expect(await stored(`${PREFIX}/240p/index.m3u8`)).toBeUndefined();
  });

  it('when recording playable fails, then the attempt fails with that error', async () => {
    const { publisher, ffmpegWrites } = await setup(async () => {
      throw new Error('postgres unavailable');
    });
    for (const name of ['240p', 'audio']) {
      await ffmpegWrites(`${name}/seg_a1_00000.ts`, name);
      await ffmpegWrites(`${name}/index.m3u8`, ffmpegPlaylist(1, false));
    }
    await publisher.publishPoster(poster);
    publisher.start();
    await until('the failure', async () => {
      try {
        publisher.throwIfFailed();
        return undefined;
      } catch (err) {
        return err;
      }
    });
    await expect(publisher.finish()).rejects.toThrow('postgres unavailable');
  });
});
