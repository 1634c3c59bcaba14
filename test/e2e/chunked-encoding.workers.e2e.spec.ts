import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChunksRepository, type Chunk } from '@reelforge/db';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { fileOutputFolder, jobOutputPrefix, originalKey } from '@reelforge/storage';
import HLS from 'hls-parser';
import { checkHlsConformance } from '../support/hls-conformance.js';
import { assertWholeHlsOutput, onlyOutputPrefix } from '../support/hls-output.js';
import { auth, submitTranscode, uploadFile, waitForSettled } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
const SOURCE_S = 12;
const FPS = 30;
/** 3 s parts of 1 s segments: four parts, the last one a full one. */
const CHUNKED = { CHUNK_MIN_DURATION_S: '6', CHUNK_SECONDS: '3' };
const LIMIT_MS = 180_000;
/** Slow enough on two cores that a job is still encoding parts when the test acts on it. */
const SLOW_LADDER = { preset: 'slow', rungs: [{ height: 720 }, { height: 360 }] };

async function videoFrames(playlist: string): Promise<number[]> {
  const { stdout } = await run('ffprobe', [
    '-v', 'error', '-protocol_whitelist', 'file,crypto,data',
    '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'json', `file:${playlist}`,
  ]);
  const { packets } = JSON.parse(stdout) as { packets: { pts_time: string }[] };
  return packets.map((p) => Number(p.pts_time)).sort((a, b) => a - b);
}

async function audioSpan(playlist: string): Promise<{ startS: number; endS: number }> {
  const { stdout } = await run('ffprobe', [
    '-v', 'error', '-protocol_whitelist', 'file,crypto,data', '-select_streams', 'a:0',
    '-show_entries', 'packet=pts_time,duration_time', '-of', 'json', `file:${playlist}`,
  ]);
  const packets = (JSON.parse(stdout) as { packets: { pts_time: string; duration_time: string }[] }).packets.map((p) => [Number(p.pts_time), Number(p.duration_time)] as const);
  return { startS: packets[0]![0], endS: packets.at(-1)![0] + packets.at(-1)![1] };
}

describe('chunked encoding across workers', () => {
  let stack: TestStack;
  let source: string;
  let parts: ChunksRepository;

  const upload = async () => {
    const res = await uploadFile(stack.baseUrl, source);
    expect(res.status).toBe(201);
    return ((await res.json()) as { fileId: string }).fileId;
  };
  const submit = async (fileId: string, ladder?: object) => {
    const res = await submitTranscode(stack.baseUrl, { fileId, ...(ladder ? { ladder } : {}) });
    expect(res.status).toBe(202);
    return ((await res.json()) as { jobId: string }).jobId;
  };
  const localDir = async (fileId: string) => stack.storage.localPath(await onlyOutputPrefix(stack.storage, fileId))!;

  beforeAll(async () => {
    // Two slots: two parts encode at once, as on two workers.
    stack = await startTestStack({ env: { ...CHUNKED, WORKER_CONCURRENCY: '2', X264_SLOWEST_PRESET: 'slow' } });
    parts = new ChunksRepository(stack.db.pool);
    source = await makeFixture('landscape-720p', { durationS: SOURCE_S });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await cleanupFixtures();
  }, 120_000);

  it(
    'when a long input is encoded in parts, then the ladder has every source frame once, contiguous across part boundaries, with audio in sync',
    async () => {
      const fileId = await upload();
      const jobId = await submit(fileId);
      const final = await waitForSettled(stack.baseUrl, fileId, { timeoutMs: LIMIT_MS });
      expect(final.status).toBe('completed');

      const rows: Chunk[] = await parts.list(jobId);
      expect(rows.map((p) => `${p.kind}${p.index}:${p.state}`)).toEqual(['video0:completed', 'video1:completed', 'video2:completed', 'video3:completed', 'audio0:completed']);
      expect(rows.filter((p) => p.kind === 'video').map((p) => p.startS)).toEqual([0, 3, 6, 9]);

      const dir = await localDir(fileId);
      const report = await checkHlsConformance(dir, { sourceDurationS: SOURCE_S });
      expect(report.problems).toEqual([]);
      const master = HLS.parse(await (await import('node:fs/promises')).readFile(path.join(dir, 'master.m3u8'), 'utf8'));
      if (!master.isMasterPlaylist) throw new Error('not a master playlist');
      for (const variant of master.variants) {
        const frames = await videoFrames(path.join(dir, variant.uri));
        // Every frame of the 30 fps source, each exactly one frame after the one before.
        expect(frames).toHaveLength(SOURCE_S * FPS);
        const gaps = frames.slice(1).map((t, i) => Math.round((t - frames[i]!) * FPS * 1000) / 1000);
        expect(new Set(gaps)).toEqual(new Set([1]));
        const audio = await audioSpan(path.join(dir, variant.audio[0]!.uri!));
        // Audio starts with the first frame (within one AAC frame) and lasts as long as the video.
        expect(Math.abs(audio.startS - frames[0]!)).toBeLessThan(0.03);
        expect(Math.abs(audio.endS - (frames.at(-1)! + 1 / FPS))).toBeLessThan(0.05);
      }
    },
    LIMIT_MS + 30_000,
  );

  it(
    'when parts finish while others run, then every look at storage finds playlists naming only stored segments, contiguous from the first',
    async () => {
      const fileId = await upload();
      await submit(fileId);
      const folder = fileOutputFolder(fileId);
      let looks = 0;
      let growing = 0;
      await waitFor(
        'the chunked job to finish while storage is observed',
        async () => {
          const keys: string[] = [];
          for await (const { key } of stack.storage.list(folder)) keys.push(key);
          for (const key of keys.filter((k) => k.endsWith('.m3u8') && !k.endsWith('master.m3u8'))) {
            const text = await stack.storage.getStream(key).then(async (s) => {
              const chunks: Buffer[] = [];
              for await (const c of s) chunks.push(c as Buffer);
              return Buffer.concat(chunks).toString('utf8');
            });
            const playlist = HLS.parse(text);
            if (playlist.isMasterPlaylist) continue;
            expect(playlist.playlistType).toBe('EVENT');
            const numbers = playlist.segments.map((s) => Number(/_(\d{5})\.ts$/.exec(s.uri)?.[1]));
            expect(numbers).toEqual(numbers.map((_, i) => i));
            if (!playlist.endlist) growing += 1;
            const dir = key.slice(0, key.lastIndexOf('/'));
            for (const segment of playlist.segments) expect({ uri: segment.uri, stored: (await stack.storage.stat(`${dir}/${segment.uri}`)) !== null }).toEqual({ uri: segment.uri, stored: true });
          }
          looks += 1;
          const status = (await (await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}`, { headers: auth })).json()) as { status: string };
          return ['completed', 'failed', 'cancelled'].includes(status.status) ? status.status : undefined;
        },
        { timeoutMs: LIMIT_MS, intervalMs: 100 },
      ).then((status) => expect(status).toBe('completed'));
      expect(looks).toBeGreaterThan(1);
      expect(growing).toBeGreaterThan(0);
    },
    LIMIT_MS + 30_000,
  );

  it(
    'when a part fails for good, then the job fails, its finished parts stay, and a retry encodes only the rest',
    async () => {
      const fileId = await upload();
      const jobId = await submit(fileId);
      // The source disappears once part 0 is done: the parts still to start cannot read it.
      await waitFor('part 0 to finish', async () => ((await parts.list(jobId)).find((p) => p.kind === 'video' && p.index === 0)?.state === 'completed' ? true : undefined), {
        timeoutMs: LIMIT_MS,
      });
      await stack.storage.delete(originalKey(fileId));
      const failed = await waitForSettled(stack.baseUrl, fileId, { timeoutMs: LIMIT_MS });
      expect(failed.status).toBe('failed');
      // A part already encoding when the job failed may still finish (and be kept): look once none runs.
      await waitFor(
        'the parts still running to stop',
        async () => ((await stack.queue.getJobs(['active'])).some((job) => job.data.jobId === jobId) ? undefined : true),
        { timeoutMs: LIMIT_MS },
      );
      const kept = (await parts.list(jobId)).filter((p) => p.state === 'completed');
      expect(kept.map((p) => `${p.kind}${p.index}`)).toEqual(expect.arrayContaining(['video0']));

      await stack.storage.putFile(originalKey(fileId), source);
      const retry = await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}/retry`, { method: 'POST', headers: auth });
      expect(retry.status).toBe(202);
      const done = await waitForSettled(stack.baseUrl, fileId, { timeoutMs: LIMIT_MS });
      expect(done.status).toBe('completed');

      const rows = await parts.list(jobId);
      for (const part of kept) {
        // Not run again: still the first attempt's, still one run.
        expect(rows.find((p) => p.kind === part.kind && p.index === part.index)).toMatchObject({ attempt: 1, runs: 1, state: 'completed' });
      }
      expect(rows.filter((p) => !kept.some((k) => k.kind === p.kind && k.index === p.index)).every((p) => p.attempt === 2)).toBe(true);
      const masters: string[] = [];
      for await (const { key } of stack.storage.list(fileOutputFolder(fileId))) if (key.endsWith('/master.m3u8')) masters.push(key);
      expect(masters).toHaveLength(1);
      const dir = path.dirname(stack.storage.localPath(masters[0]!)!);
      expect((await checkHlsConformance(dir, { sourceDurationS: SOURCE_S })).problems).toEqual([]);
      const top = (HLS.parse(await (await import('node:fs/promises')).readFile(path.join(dir, 'master.m3u8'), 'utf8')) as HLS.types.MasterPlaylist).variants[0]!;
      expect(await videoFrames(path.join(dir, top.uri))).toHaveLength(SOURCE_S * FPS);
    },
    3 * LIMIT_MS,
  );

  it(
    'when a chunked job is cancelled while parts encode, then every part stops and nothing of the job stays in storage',
    async () => {
      const fileId = await upload();
      const jobId = await submit(fileId, SLOW_LADDER);
      await waitFor('a part to be encoding', async () => ((await parts.list(jobId)).some((p) => p.state === 'processing' && p.progress > 0) ? true : undefined), {
        timeoutMs: LIMIT_MS,
      });
      const res = await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}/cancel`, { method: 'POST', headers: auth });
      expect(res.status).toBeLessThan(300);
      const storedKeys = async () => {
        const keys: string[] = [];
        for await (const { key } of stack.storage.list(jobOutputPrefix(fileId, jobId))) keys.push(key);
        return keys;
      };
      const partJobs = async (states: ('active' | 'waiting' | 'prioritized' | 'delayed')[]) =>
        (await stack.queue.getJobs(states)).filter((job) => job.data.jobId === jobId && job.data.part);
      await waitFor(
        'every part job to be over and the output gone',
        async () => ((await partJobs(['active', 'waiting', 'prioritized', 'delayed'])).length === 0 && (await storedKeys()).length === 0 ? true : undefined),
        { timeoutMs: LIMIT_MS },
      );
      expect(await stack.jobs.findById(jobId)).toMatchObject({ status: 'cancelled' });
    },
    LIMIT_MS + 30_000,
  );

  it(
    'when a chunked job is split, then a job submitted meanwhile starts before its later parts: parts queue like the owner\'s next jobs',
    async () => {
      const [longFile, shortFile] = [await upload(), ((await (await uploadFile(stack.baseUrl, await makeFixture('small-360p', { durationS: 2 }))).json()) as { fileId: string }).fileId];
      const longJob = await submit(longFile, { preset: 'medium', rungs: [{ height: 720 }] });
      await waitFor('the job to be split into parts', async () => ((await parts.list(longJob)).length > 0 ? true : undefined), { timeoutMs: LIMIT_MS });
      const shortJob = await submit(shortFile);
      expect(await waitForSettled(stack.baseUrl, shortFile, { timeoutMs: LIMIT_MS })).toMatchObject({ status: 'completed' });
      expect(await waitForSettled(stack.baseUrl, longFile, { timeoutMs: LIMIT_MS })).toMatchObject({ status: 'completed' });
      const short = (await stack.jobs.findById(shortJob))!;
      const lastPart = (await parts.list(longJob)).find((p) => p.kind === 'video' && p.index === 3)!;
      expect(short.startedAt!.getTime()).toBeLessThan(lastPart.startedAt!.getTime());
      const priorities = await Promise.all([0, 1, 2, 3].map(async (i) => (await stack.queue.getJob(`${longJob}.1.video${i}`))?.opts.priority));
      expect(priorities.map((p) => p! - priorities[0]!)).toEqual([0, 1024, 2048, 3072]);
    },
    2 * LIMIT_MS,
  );
});

describe('chunked encoding on S3 storage', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ storage: 's3', env: { ...CHUNKED, WORKER_CONCURRENCY: '2' } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await cleanupFixtures();
  }, 120_000);

  it(
    'when the original is in a bucket, then each part fetches it, publishes to the bucket, and the finished ladder names only stored segments',
    async () => {
      const upload = await uploadFile(stack.baseUrl, await makeFixture('landscape-720p', { durationS: SOURCE_S }));
      const { fileId } = (await upload.json()) as { fileId: string };
      const res = await submitTranscode(stack.baseUrl, { fileId });
      const { jobId } = (await res.json()) as { jobId: string };
      expect(await waitForSettled(stack.baseUrl, fileId, { timeoutMs: LIMIT_MS })).toMatchObject({ status: 'completed' });
      expect((await new ChunksRepository(stack.db.pool).list(jobId)).filter((p) => p.kind === 'video')).toHaveLength(4);
      const output = await assertWholeHlsOutput(stack.storage, fileId);
      // 1 s segments: 12 per video rung, and the audio's (whose AAC priming may add a short last one).
      expect(output.segments).toBeGreaterThanOrEqual(3 * SOURCE_S);
      const prefix = await onlyOutputPrefix(stack.storage, fileId);
      for (const name of ['poster.jpg', 'storyboard.jpg', 'storyboard.vtt']) expect(await stack.storage.stat(`${prefix}/${name}`)).not.toBeNull();
      const leftovers: string[] = [];
      for await (const { key } of stack.storage.list(`${prefix}/storyboard-thumbs`)) leftovers.push(key);
      expect(leftovers).toEqual([]);
    },
    LIMIT_MS + 30_000,
  );
});
