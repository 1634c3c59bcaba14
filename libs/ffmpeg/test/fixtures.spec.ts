import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { detectOrphanGuard, type OrphanGuard } from '@reelforge/process';
import { FfmpegFailedError, ProbeFailedError, probe, runFfmpeg } from '../src/index.js';
import { FIXTURE_KINDS, cleanupFixtures, fixtureDir, makeFixture, type FixtureKind } from '../src/testing/index.js';

interface Stream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  profile?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  color_transfer?: string;
  color_primaries?: string;
  color_space?: string;
  channels?: number;
  channel_layout?: string;
  tags?: Record<string, string>;
  side_data_list?: Array<{ side_data_type: string; rotation?: number }>;
}
interface Probed {
  format: { format_name: string; duration?: string; tags?: Record<string, string> };
  streams: Stream[];
}

const run = promisify(execFile);
let guard: OrphanGuard;
const paths = new Map<FixtureKind, string>();

beforeAll(async () => {
  guard = await detectOrphanGuard();
  // A few at a time: much of each run is process start-up (Debian's ffmpeg links ~200 shared libraries).
  const queue = [...FIXTURE_KINDS];
  const worker = async (): Promise<void> => {
    for (let kind = queue.shift(); kind !== undefined; kind = queue.shift()) paths.set(kind, await makeFixture(kind));
  };
  await Promise.all([worker(), worker(), worker()]);
});

afterAll(cleanupFixtures);

const probed = async (kind: FixtureKind): Promise<Probed> => (await probe(paths.get(kind) as string, { orphanGuard: guard })) as Probed;
const video = (json: Probed): Stream => json.streams.find((s) => s.codec_type === 'video') as Stream;
const audios = (json: Probed): Stream[] => json.streams.filter((s) => s.codec_type === 'audio');
const duration = (json: Probed): number => Number(json.format.duration);
const MP4 = 'mov,mp4,m4a,3gp,3g2,mj2';

describe('makeFixture', () => {
  it('when asked again, then the cached file is returned without re-encoding', async () => {
    const first = paths.get('small-360p') as string;
    const before = await stat(first);
    expect(await makeFixture('small-360p')).toBe(first);
    expect((await stat(first)).mtimeMs).toBe(before.mtimeMs);
    expect(first.startsWith(fixtureDir())).toBe(true);
  });

  it('when called concurrently for a new clip, then one file is built and shared', async () => {
    const [a, b] = await Promise.all([makeFixture('tiny-240p', { durationS: 1 }), makeFixture('tiny-240p', { durationS: 1 })]);
    expect(a).toBe(b);
    expect(duration((await probe(a, { orphanGuard: guard })) as Probed)).toBeCloseTo(1, 1);
  });

  it.each<[FixtureKind, string, number, number]>([
    ['landscape-720p', '.mp4', 1280, 720],
    ['landscape-1080p', '.mp4', 1920, 1080],
    ['small-360p', '.mp4', 640, 360],
    ['tiny-240p', '.mp4', 426, 240],
    ['odd-853x479', '.mp4', 853, 479],
    ['ultrawide', '.mp4', 2560, 1080],
    ['portrait', '.mp4', 720, 1280],
  ])('when the kind is %s, then it is an h264/aac %s of %ix%i at 30 fps', async (kind, ext, width, height) => {
    const json = await probed(kind);
    expect(extname(paths.get(kind) as string)).toBe(ext);
    expect(json.format.format_name).toBe(MP4);
    expect(video(json)).toMatchObject({ codec_name: 'h264', width, height, r_frame_rate: '30/1' });
    expect(audios(json).map((a) => a.codec_name)).toEqual(['aac']);
    expect(duration(json)).toBeGreaterThan(0.9);
    expect(duration(json)).toBeLessThanOrEqual(5.1);
  });

  it('when the kind is rotated-90, then it is stored landscape with a 90° display matrix', async () => {
    const stream = video(await probed('rotated-90'));
    expect(stream).toMatchObject({ width: 1280, height: 720 });
    const matrix = stream.side_data_list?.find((s) => s.side_data_type === 'Display Matrix');
    expect(Math.abs(matrix?.rotation ?? 0)).toBe(90);
  });

  it('when the kind is fps60, then it runs at 60 fps', async () => {
    expect(video(await probed('fps60'))).toMatchObject({ r_frame_rate: '60/1', avg_frame_rate: '60/1' });
  });

  it('when the kind is vfr, then the average frame rate is well below the nominal one', async () => {
    const stream = video(await probed('vfr'));
    const [num, den] = (stream.avg_frame_rate as string).split('/').map(Number) as [number, number];
    expect(stream.r_frame_rate).toBe('30/1');
    expect(num / den).toBeGreaterThan(15);
    expect(num / den).toBeLessThan(25);
  });

  it('when the kind is ten-bit, then it is 10-bit High 10 with SDR tags', async () => {
    const stream = video(await probed('ten-bit'));
    expect(stream).toMatchObject({ pix_fmt: 'yuv420p10le', profile: 'High 10' });
    expect(stream.color_transfer).not.toBe('smpte2084');
  });

  it('when the kind is hdr-pq, then it is 10-bit BT.2020 with the PQ transfer', async () => {
    expect(video(await probed('hdr-pq'))).toMatchObject({
      pix_fmt: 'yuv420p10le',
      color_transfer: 'smpte2084',
      color_primaries: 'bt2020',
      color_space: 'bt2020nc',
    });
  });

  it('when the kind is no-audio, then there is only a video stream', async () => {
    expect((await probed('no-audio')).streams.map((s) => s.codec_type)).toEqual(['video']);
  });

  it('when the kind is audio-only, then it is an m4a with one AAC stream', async () => {
    const json = await probed('audio-only');
    expect(extname(paths.get('audio-only') as string)).toBe('.m4a');
    expect(json.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['audio:aac']);
  });

  it('when the kind is surround-5.1, then its audio has six channels', async () => {
    expect(audios(await probed('surround-5.1'))).toEqual([expect.objectContaining({ codec_name: 'aac', channels: 6, channel_layout: '5.1' })]);
  });

  it('when the kind is multi-audio, then it has two tagged audio streams', async () => {
    expect(audios(await probed('multi-audio')).map((a) => a.tags?.language)).toEqual(['eng', 'spa']);
  });

  it('when the kind is mov, then the container is QuickTime', async () => {
    const json = await probed('mov');
    expect(extname(paths.get('mov') as string)).toBe('.mov');
    expect(json.format.tags?.major_brand).toBe('qt  ');
  });

  it('when the kind is mkv, then the container is Matroska with h264', async () => {
    const json = await probed('mkv');
    expect(json.format.format_name).toBe('matroska,webm');
    expect(video(json).codec_name).toBe('h264');
  });

  it('when the kind is webm, then it is tiny VP9 + Opus', async () => {
    const json = await probed('webm');
    expect(json.format.format_name).toBe('matroska,webm');
    expect(json.streams.map((s) => s.codec_name)).toEqual(['vp9', 'opus']);
    expect(video(json)).toMatchObject({ width: 320, height: 240 });
  });

  it.each(['recording-vp9', 'recording-vp8'] as const)('when the kind is %s, then it is a WebM with no duration anywhere and no Cues, as MediaRecorder writes it', async (kind) => {
    const json = await probed(kind);
    expect(json.format).toMatchObject({ format_name: 'matroska,webm' });
    expect(json.format.duration).toBeUndefined();
    for (const stream of json.streams) expect(stream).not.toHaveProperty('duration');
    expect(json.streams.map((s) => s.codec_name)).toEqual([kind === 'recording-vp9' ? 'vp9' : 'vp8', 'opus']);
    // The Cues element (ID 1C 53 BB 6B), the index a seekable muxer writes at the end.
    expect((await readFile(paths.get(kind) as string)).includes(Buffer.from([0x1c, 0x53, 0xbb, 0x6b]))).toBe(false);
  });

  it('when the kind is recording-vp9, then frames are dropped after the first second (30 fps, then 10)', async () => {
    const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', paths.get('recording-vp9') as string]);
    expect(Number(stdout.trim())).toBe(30 + 10);
  });

  it('when the kind is recording-fmp4, then it is a fragmented MP4 whose moov states no duration and which has no mfra index', async () => {
    const bytes = await readFile(paths.get('recording-fmp4') as string);
    const boxes: string[] = [];
    for (let at = 0; at + 8 <= bytes.length; at += bytes.readUInt32BE(at)) boxes.push(bytes.toString('latin1', at + 4, at + 8));
    expect(boxes.slice(0, 3)).toEqual(['ftyp', 'moov', 'moof']);
    expect(boxes).not.toContain('mfra');
    // mvhd (version 0): size, type, version+flags, creation, modification, timescale, then duration.
    const mvhd = bytes.indexOf('mvhd', 0, 'latin1');
    expect(bytes.readUInt32BE(mvhd + 4 + 4 + 4 + 4 + 4)).toBe(0);
    expect(video(await probed('recording-fmp4')).codec_name).toBe('h264');
  });

  it('when the kind is recording-empty, then it describes its streams but holds no packet', async () => {
    const json = await probed('recording-empty');
    expect(json.streams.map((s) => s.codec_name)).toEqual(['h264', 'aac']);
    expect(json.format.duration).toBeUndefined();
  });

  it('when the kind is corrupt, then it probes like a video but decoding it fails as invalid media', async () => {
    const json = await probed('corrupt');
    expect(video(json)).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    const error = await runFfmpeg(['-hide_banner', '-nostdin', '-v', 'error', '-xerror', '-i', paths.get('corrupt') as string, '-f', 'null', '-'], { orphanGuard: guard }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FfmpegFailedError);
    expect((error as FfmpegFailedError).failure.kind).toBe('invalid_media');
  });

  it.each<FixtureKind>(['truncated', 'zero-byte', 'text-renamed'])('when the kind is %s, then ffprobe refuses it', async (kind) => {
    await expect(probe(paths.get(kind) as string, { orphanGuard: guard })).rejects.toBeInstanceOf(ProbeFailedError);
  });

  it('when the kind is zero-byte, then the file is empty', async () => {
    expect((await stat(paths.get('zero-byte') as string)).size).toBe(0);
  });

  it('when the kind is png-renamed, then it is a PNG named .mp4 that probes as a still image', async () => {
    const path = paths.get('png-renamed') as string;
    expect(extname(path)).toBe('.mp4');
    expect((await readFile(path)).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const json = await probed('png-renamed');
    expect(json.format.format_name).toBe('png_pipe');
    expect(json.streams.map((s) => s.codec_name)).toEqual(['png']);
  });

  it('when the kind is text-renamed, then it is plain text named .mp4', async () => {
    const path = paths.get('text-renamed') as string;
    expect(extname(path)).toBe('.mp4');
    expect(await readFile(path, 'utf8')).toMatch(/^This is a text file/);
  });
});
