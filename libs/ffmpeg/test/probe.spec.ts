import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FfmpegCancelledError,
  FfmpegNotFoundError,
  ProbeFailedError,
  ProbeTimeoutError,
  ffprobeArgs,
  probe,
} from '../src/index.js';
import { detectOrphanGuard, type OrphanGuard } from '@reelforge/process';
import { cleanupFixtures, makeFixture, type FixtureKind } from '../src/testing/index.js';

let guard: OrphanGuard;
let workDir: string;

beforeAll(async () => {
  guard = await detectOrphanGuard();
  workDir = await mkdtemp(join(tmpdir(), 'reelforge-ffprobe-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
  await cleanupFixtures();
});

/** A FIFO nobody writes to: ffprobe blocks opening it, which is how a hung probe looks. */
async function makeFifo(path: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('mkfifo', [path], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`mkfifo exited ${code}`))));
  });
}

describe('ffprobeArgs', () => {
  it('when given a path, then it asks for JSON format and streams of that file through the file: protocol, and no other protocol', () => {
    expect(ffprobeArgs('/videos/-x:y.mp4')).toEqual([
      ...['-v', 'error', '-hide_banner', '-print_format', 'json', '-show_format', '-show_streams'],
      ...['-protocol_whitelist', 'file', '-i', 'file:/videos/-x:y.mp4'],
    ]);
  });

  it('when demuxers are restricted, then they go into -format_whitelist before the input', () => {
    expect(ffprobeArgs('/v/a.mp4', ['mov', 'matroska'])).toEqual([
      ...['-v', 'error', '-hide_banner', '-print_format', 'json', '-show_format', '-show_streams'],
      ...['-protocol_whitelist', 'file', '-format_whitelist', 'mov,matroska', '-i', 'file:/v/a.mp4'],
    ]);
  });
});

describe('probe', () => {
  it('when the file is a video, then the raw ffprobe JSON comes back', async () => {
    const json = (await probe(await makeFixture('landscape-720p'), { orphanGuard: guard })) as {
      format: Record<string, unknown>;
      streams: Array<Record<string, unknown>>;
    };
    expect(json.format).toMatchObject({ format_name: 'mov,mp4,m4a,3gp,3g2,mj2', nb_streams: 2 });
    expect(Number(json.format.duration)).toBeCloseTo(2, 1);
    expect(json.streams.map((s) => s.codec_type)).toEqual(['video', 'audio']);
    expect(json.streams[0]).toMatchObject({ codec_name: 'h264', width: 1280, height: 720, r_frame_rate: '30/1' });
    expect(json.streams[1]).toMatchObject({ codec_name: 'aac', channels: 1, channel_layout: 'mono', sample_rate: '48000' });
  });

  it('when the file name starts with "-" and contains ":", then it is still read as a local file', async () => {
    const odd = join(workDir, '-concat:weird name.mp4');
    await copyFile(await makeFixture('tiny-240p'), odd);
    const json = (await probe(odd, { orphanGuard: guard })) as { streams: Array<{ width?: number }> };
    expect(json.streams[0]?.width).toBe(426);
  });

  it.each<[FixtureKind, string]>([
    ['zero-byte', 'moov atom not found; Invalid data found when processing input'],
    ['text-renamed', 'moov atom not found; Invalid data found when processing input'],
    ['truncated', 'moov atom not found; Invalid data found when processing input'],
  ])('when the file is %s, then it fails as invalid media with ffprobe’s reason', async (kind, reason) => {
    const path = await makeFixture(kind);
    const error = await probe(path, { orphanGuard: guard }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProbeFailedError);
    const failed = error as ProbeFailedError;
    expect(failed.code).toBe('invalid_media');
    expect(failed.retryable).toBe(false);
    expect(failed.reason).toBe(reason);
    expect(failed.message).toBe(`ffprobe could not read "${kind}.mp4": ${reason}`);
  });

  it('when an HLS playlist is uploaded as .mp4, then only allowedFormats stops it from reading other local files', async () => {
    const playlist = join(workDir, 'playlist.mp4');
    const target = await makeFixture('tiny-240p');
    await writeFile(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n${target}\n#EXT-X-ENDLIST\n`);

    const open = (await probe(playlist, { orphanGuard: guard })) as { format: { format_name: string } };
    expect(open.format.format_name).toBe('hls');

    const error = await probe(playlist, { orphanGuard: guard, allowedFormats: ['mov', 'mp4', 'matroska', 'webm'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProbeFailedError);
    expect((error as ProbeFailedError).reason).toBe("Format not on whitelist 'mov,mp4,matroska,webm'; Invalid argument");
    await expect(probe(target, { orphanGuard: guard, allowedFormats: ['mov', 'mp4', 'matroska', 'webm'] })).resolves.toBeDefined();
  });

  it('when the file does not exist, then it fails as invalid media', async () => {
    const error = await probe(join(workDir, 'nope.mp4'), { orphanGuard: guard }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProbeFailedError);
    expect((error as Error).message).toBe('ffprobe could not read "nope.mp4": No such file or directory');
  });

  it('when ffprobe hangs, then it is killed at the timeout', async () => {
    const fifo = join(workDir, 'hang.mp4');
    await makeFifo(fifo);
    // Nobody ever writes to the FIFO, so ffprobe would wait forever: settling at all, with this
    // error, is the timeout stopping it (no stopwatch: how fast depends on the machine's load).
    const error = await probe(fifo, { orphanGuard: guard, timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProbeTimeoutError);
    expect((error as ProbeTimeoutError).code).toBe('probe_timeout');
  });

  it('when the signal aborts, then the probe is cancelled', async () => {
    const fifo = join(workDir, 'hang-abort.mp4');
    await makeFifo(fifo);
    const error = await probe(fifo, { orphanGuard: guard, signal: AbortSignal.timeout(200) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FfmpegCancelledError);
  });

  it.each([
    ['through setpriv', 'guarded'],
    ['with a plain spawn', 'plain'],
  ])('when ffprobe is missing (%s), then it rejects with FfmpegNotFoundError naming the Debian package', async (_how, mode) => {
    const orphanGuard: OrphanGuard = mode === 'guarded' ? guard : { kind: 'none', warning: 'test' };
    const error = await probe(join(workDir, 'any.mp4'), { ffprobePath: '/nonexistent/ffprobe', orphanGuard }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FfmpegNotFoundError);
    expect((error as FfmpegNotFoundError).code).toBe('ffmpeg_missing');
    expect((error as Error).message).toContain(`Install Debian's "ffmpeg" package`);
  });
});
