import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvalidMediaError } from '@reelforge/media';
import { detectOrphanGuard, type OrphanGuard } from '@reelforge/process';
import { FfmpegCancelledError, measureDuration, ProbeFailedError, probe, probeMedia, ProbeTimeoutError } from '../src/index.js';
import { cleanupFixtures, makeFixture } from '../src/testing/index.js';

/** One frame at 30 fps: how far a measured duration may be from the length the clip was made with. */
const ONE_FRAME_S = 1 / 30;

let guard: OrphanGuard;
let workDir: string;

beforeAll(async () => {
  guard = await detectOrphanGuard();
  workDir = await mkdtemp(join(tmpdir(), 'reelforge-duration-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
  await cleanupFixtures();
});

async function makeFifo(path: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('mkfifo', [path], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`mkfifo exited ${code}`))));
  });
}

describe('probeMedia on browser-recording-like files', () => {
  it.each([
    ['recording-vp9', 'vp9'],
    ['recording-vp8', 'vp8'],
  ] as const)('when a %s WebM states no duration, then it is measured from the packets to within a frame', async (kind, codec) => {
    const file = await makeFixture(kind, { durationS: 3 });
    const raw = (await probe(file, { orphanGuard: guard })) as { format: { duration?: string } };
    expect(raw.format.duration).toBeUndefined();

    const { info, durationFrom } = await probeMedia(file, { orphanGuard: guard });
    expect(durationFrom).toBe('packets');
    expect(info.video?.codec).toBe(codec);
    expect(info.audio.map((a) => a.codec)).toEqual(['opus']);
    expect(Math.abs(info.durationS - 3)).toBeLessThanOrEqual(ONE_FRAME_S);
  });

  it('when a fragmented MP4 has an empty moov and no mfra, then ffprobe states the duration from the fragments and no second pass runs', async () => {
    const { info, durationFrom } = await probeMedia(await makeFixture('recording-fmp4', { durationS: 3 }), { orphanGuard: guard });
    expect(durationFrom).toBe('container');
    expect(Math.abs(info.durationS - 3)).toBeLessThanOrEqual(ONE_FRAME_S);
  });

  it('when the container states a duration, then it is taken as stated (no measure)', async () => {
    const { info, durationFrom } = await probeMedia(await makeFixture('webm'), { orphanGuard: guard });
    expect(durationFrom).toBe('container');
    expect(info.durationS).toBeGreaterThan(0);
  });

  it('when the measure cannot start (ffprobe missing), then the error says so', async () => {
    const file = await makeFixture('recording-vp8', { durationS: 3 });
    await expect(measureDuration(file, { orphanGuard: guard, ffprobePath: '/nonexistent/ffprobe' })).rejects.toMatchObject({ code: 'ffmpeg_missing' });
  });
});

describe('measureDuration', () => {
  it('when the file is a recording, then the measured span matches what probeMedia reports', async () => {
    const file = await makeFixture('recording-vp9', { durationS: 3 });
    const measured = await measureDuration(file, { orphanGuard: guard });
    expect(measured).toBe((await probeMedia(file, { orphanGuard: guard })).info.durationS);
  });

  it('when the file name starts with "-" and holds a ":", then it is still read as a local file', async () => {
    const awkward = join(workDir, '-x:y.webm');
    await copyFile(await makeFixture('recording-vp8', { durationS: 3 }), awkward);
    expect(await measureDuration(awkward, { orphanGuard: guard })).toBeGreaterThan(2.9);
  });

  it('when the file is not media, then it fails as invalid media with ffprobe\'s reason', async () => {
    const text = join(workDir, 'notes.webm');
    await writeFile(text, 'This is a text file, not a video.\n'.repeat(20));
    const error = await measureDuration(text, { orphanGuard: guard }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProbeFailedError);
    expect((error as ProbeFailedError).code).toBe('invalid_media');
  });

  it('when an "mp4" is an HLS playlist, then the accepted demuxers refuse it and nothing it names is read', async () => {
    const playlist = join(workDir, 'list.mp4');
    const named = await makeFixture('recording-vp8', { durationS: 3 });
    await writeFile(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3,\nfile:${named}\n#EXT-X-ENDLIST\n`);
    const error = await measureDuration(playlist, { orphanGuard: guard }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProbeFailedError);
    expect((error as ProbeFailedError).reason).toMatch(/^Format not on whitelist/);
  });

  it('when ffprobe hangs, then it is killed at the timeout', async () => {
    const fifo = join(workDir, 'hang.webm');
    await makeFifo(fifo);
    // Nobody writes to the FIFO: settling at all, with this error, is the timeout stopping ffprobe.
    const error = await measureDuration(fifo, { orphanGuard: guard, timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProbeTimeoutError);
    expect((error as ProbeTimeoutError).code).toBe('probe_timeout');
  });

  it('when the signal aborts, then the measure is cancelled', async () => {
    const fifo = join(workDir, 'hang-abort.webm');
    await makeFifo(fifo);
    const error = await measureDuration(fifo, { orphanGuard: guard, signal: AbortSignal.timeout(200) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FfmpegCancelledError);
  });

  it('when a recording stopped before its first packet, then there is no duration and probeMedia calls it invalid media', async () => {
    const empty = await makeFixture('recording-empty');
    expect(await measureDuration(empty, { orphanGuard: guard })).toBeNull();
    await expect(probeMedia(empty, { orphanGuard: guard })).rejects.toEqual(new InvalidMediaError('the duration is missing or zero'));
  });
});
