import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { fileOutputFolder, jobOutputPrefix, LIVE_PLAYLIST_CACHE_CONTROL, originalKey, PLAYLIST_CACHE_CONTROL, type StorageDriver } from '@reelforge/storage';
import HLS from 'hls-parser';
import { auth, getStatus, submitTranscode, uploadFile, waitForSettled, type StatusBody } from '../support/http.js';
import { openSse } from '../support/sse.client.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

/** Slow enough on two cores that storage is observed many times while the job runs (the source is 12 s). */
const SLOW_LADDER = { preset: 'slow', rungs: [{ height: 720 }, { height: 360 }] };
const SEGMENT = /^seg_a(\d+)_(\d{5})\.ts$/;
const LIMIT_MS = 240_000;

type Status = StatusBody & { jobId: string; playable: boolean; playableAt: string | null; posterUrl: string | null };

async function readText(storage: StorageDriver, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.getStream(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * s3rver (unlike S3, and unlike the local driver's rename) rewrites an object in place, so a read
 * that meets a rewrite of a playlist sees it cut short or aborted: read again then.
 */
function retriedWhileRewritten<T>(what: string, read: () => Promise<T>, whole: (value: T) => boolean): Promise<T> {
  return waitFor(what, async () => {
    const value = await read().catch(() => undefined);
    return value !== undefined && whole(value) ? value : undefined;
  });
}

const isWholePlaylist = (text: string) => text.startsWith('#EXTM3U') && text.endsWith('\n');

async function readPlaylist(storage: StorageDriver, key: string): Promise<string> {
  return retriedWhileRewritten(`a whole ${key}`, () => readText(storage, key), isWholePlaylist);
}

interface Observation {
  master: boolean;
  /** Media playlists seen without #EXT-X-ENDLIST. */
  growing: string[];
  ended: string[];
}

/**
 * One look at everything under the file's output folder, asserting the invariants readers rely on:
 * every playlist names only files that are stored, media playlists are EVENT playlists whose segments
 * run contiguously from the first. Playlists are read first and what they name is checked after, so a
 * file missing then was missing when the playlist was read (nothing is deleted while a job succeeds).
 */
async function observe(storage: StorageDriver, folder: string): Promise<Observation> {
  const keys: string[] = [];
  for await (const { key } of storage.list(folder)) keys.push(key);
  const observation: Observation = { master: false, growing: [], ended: [] };
  for (const key of keys.filter((k) => k.endsWith('.m3u8'))) {
    const dir = key.slice(0, key.lastIndexOf('/'));
    const playlist = HLS.parse(await readPlaylist(storage, key));
    const named: string[] = [];
    if (playlist.isMasterPlaylist) {
      observation.master = true;
      named.push(...playlist.variants.map((v) => v.uri), ...playlist.variants.flatMap((v) => v.audio.map((a) => a.uri!)));
    } else {
      expect({ key, type: playlist.playlistType, sequence: playlist.mediaSequenceBase ?? 0 }).toEqual({ key, type: 'EVENT', sequence: 0 });
      const numbers = playlist.segments.map((s) => Number(SEGMENT.exec(s.uri)?.[2]));
      expect(numbers.length).toBeGreaterThan(0);
      expect(numbers).toEqual(numbers.map((_, i) => i));
      named.push(...playlist.segments.map((s) => s.uri));
      (playlist.endlist ? observation.ended : observation.growing).push(key);
    }
    for (const uri of named) {
      const stored = await storage.stat(`${dir}/${uri}`);
      // Segments are written once; a playlist may be in the middle of an s3rver rewrite (see readPlaylist), so only its presence counts.
      const whole = stored !== null && (uri.endsWith('.m3u8') || stored.bytes > 0);
      expect({ playlist: key, names: uri, stored: whole }).toEqual({ playlist: key, names: uri, stored: true });
    }
  }
  return observation;
}

describe.each(['local', 's3'] as const)('progressive HLS publishing (%s storage)', (driver) => {
  let stack: TestStack;
  let source: string;
  let fileId: string;
  /** The cache lifetime a playlist is served with, and whether it had ended, read together. */
  let servedPlaylist: (key: string) => Promise<{ cacheControl: string | null; ended: boolean }>;
  let s3: S3Client | undefined;

  const status = (): Promise<Status> => getStatus(stack.baseUrl, fileId) as Promise<Status>;
  const submit = async (body: Record<string, unknown> = {}) => {
    const res = await submitTranscode(stack.baseUrl, { fileId, ladder: SLOW_LADDER, ...body });
    expect(res.status).toBe(202);
    return ((await res.json()) as { jobId: string }).jobId;
  };

  beforeAll(async () => {
    // One job at a time, so each job's own pace decides what is observed.
    stack = await startTestStack({ storage: driver, env: { WORKER_CONCURRENCY: '1', X264_SLOWEST_PRESET: 'slow' } });
    source = await makeFixture('landscape-720p', { durationS: 12 });
    const upload = await uploadFile(stack.baseUrl, source);
    expect(upload.status).toBe(201);
    ({ fileId } = (await upload.json()) as { fileId: string });
    if (stack.config.storage.driver === 's3') {
      const { endpoint, region, accessKeyId, secretAccessKey, bucket } = stack.config.storage;
      const client = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
      s3 = client;
      servedPlaylist = async (key) => {
        const read = async () => {
          const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          return { cacheControl: object.CacheControl ?? null, text: await object.Body!.transformToString() };
        };
        const { cacheControl, text } = await retriedWhileRewritten(`a whole ${key}`, read, ({ text }) => isWholePlaylist(text));
        return { cacheControl, ended: text.includes('#EXT-X-ENDLIST') };
      };
    } else {
      servedPlaylist = async (key) => {
        const res = await fetch(`${stack.baseUrl}/media/${key}`);
        return { cacheControl: res.headers.get('cache-control'), ended: (await res.text()).includes('#EXT-X-ENDLIST') };
      };
    }
  }, 60_000);
  afterAll(async () => {
    s3?.destroy();
    await stack?.stop();
    await cleanupFixtures();
  }, 120_000);

  it(
    'when a job runs, then every look at storage finds EVENT playlists naming only stored segments, playable is announced before completed, and the end adds ENDLIST',
    async () => {
      const jobId = await submit();
      const sse = await openSse(`${stack.baseUrl}/api/media/transcode/${fileId}/events`, auth);
      const events = sse.rest(LIMIT_MS);
      let looks = 0;
      let growingWhileProcessing = 0;
      let masterWhileProcessing = 0;
      let liveHeaders: { cacheControl: string | null; ended: boolean } | undefined;
      await waitFor(
        'the job to complete while storage is observed',
        async () => {
          const seen = await observe(stack.storage, fileOutputFolder(fileId));
          looks += 1;
          const job = (await stack.jobs.findById(jobId))!;
          if (job.status === 'processing') {
            if (seen.growing.length > 0) growingWhileProcessing += 1;
            if (seen.master) masterWhileProcessing += 1;
            if (seen.growing.length > 0 && liveHeaders === undefined) liveHeaders = await servedPlaylist(seen.growing[0]!);
          }
          return job.status === 'completed' ? job : undefined;
        },
        { timeoutMs: LIMIT_MS, intervalMs: 100 },
      );
      expect(looks).toBeGreaterThan(1);
      expect(growingWhileProcessing).toBeGreaterThan(0);
      expect(masterWhileProcessing).toBeGreaterThan(0);

      // A playlist still growing may be cached briefly at most; S3 metadata says so per object, local storage revalidates every playlist.
      expect(liveHeaders).toBeDefined();
      if (driver === 's3') expect(liveHeaders!.cacheControl).toBe(liveHeaders!.ended ? PLAYLIST_CACHE_CONTROL : LIVE_PLAYLIST_CACHE_CONTROL);
      else expect(liveHeaders!.cacheControl).toBe('no-cache');

      const final = await observe(stack.storage, fileOutputFolder(fileId));
      expect(final).toMatchObject({ master: true, growing: [] });
      expect(final.ended).toHaveLength(3);
      const prefix = `${jobOutputPrefix(fileId, jobId)}/1`;
      expect(final.ended.sort()).toEqual([`${prefix}/360p/index.m3u8`, `${prefix}/720p/index.m3u8`, `${prefix}/audio/index.m3u8`]);
      const done = await status();
      expect(done).toMatchObject({ status: 'completed', playable: true, hlsUrl: expect.stringContaining(`/${prefix}/master.m3u8`) });
      for (const rendition of done.renditions) expect(rendition.bandwidth).toEqual(expect.any(Number));
      // The final master carries the bitrates measured on the stored segments.
      const master = HLS.parse(await readPlaylist(stack.storage, `${prefix}/master.m3u8`));
      if (!master.isMasterPlaylist) throw new Error('not a master playlist');
      const audio = done.renditions.find((r) => r.name === 'audio')!;
      const top = done.renditions.find((r) => r.name === '720p')!;
      expect(master.variants.map((v) => v.bandwidth)).toContain((top.bandwidth as number) + (audio.bandwidth as number));
      if (driver === 's3') expect((await servedPlaylist(`${prefix}/720p/index.m3u8`)).cacheControl).toBe(PLAYLIST_CACHE_CONTROL);

      const names = (await events).map((m) => m.event);
      expect(names.filter((n) => n === 'playable')).toHaveLength(1);
      expect(names.indexOf('playable')).toBeLessThan(names.indexOf('completed'));
      expect(names.at(-1)).toBe('completed');
      const playable = JSON.parse((await events).find((m) => m.event === 'playable')!.data) as Status;
      expect(playable).toMatchObject({ status: 'processing', playable: true, hlsUrl: done.hlsUrl, playableAt: expect.any(String) });
    },
    LIMIT_MS + 30_000,
  );

  it(
    'when the file is transcoded again, then the old ladder is served until the new one is playable, and stays stored after',
    async () => {
      const before = await status();
      expect(before.status).toBe('completed');
      const oldUrl = before.hlsUrl!;
      const oldPrefix = `${jobOutputPrefix(fileId, before.jobId)}/1`;
      const jobId = await submit();
      let servedOld = 0;
      const playable = await waitFor(
        'the new job to be playable',
        async () => {
          const now = await status();
          expect(now.jobId).toBe(jobId);
          if (!now.playable) {
            expect(now.hlsUrl).toBe(oldUrl);
            servedOld += 1;
            return undefined;
          }
          return now;
        },
        { timeoutMs: LIMIT_MS, intervalMs: 100 },
      );
      expect(servedOld).toBeGreaterThan(0);
      expect(playable.status).toBe('processing');
      expect(playable.hlsUrl).toContain(`/${jobOutputPrefix(fileId, jobId)}/1/master.m3u8`);
      expect(await waitForSettled(stack.baseUrl, fileId, { timeoutMs: LIMIT_MS })).toMatchObject({ status: 'completed', hlsUrl: playable.hlsUrl });
      // Old URLs keep working: a player that loaded the old ladder plays on.
      expect((await stack.storage.stat(`${oldPrefix}/master.m3u8`))?.bytes).toBeGreaterThan(0);
    },
    LIMIT_MS * 2,
  );

  it(
    'when a re-transcode is cancelled after it became playable, then the file serves the previous ladder again and the cancelled output is gone',
    async () => {
      const previous = await status();
      expect(previous.status).toBe('completed');
      const previousPrefix = `${jobOutputPrefix(fileId, previous.jobId)}/1`;
      const jobId = await submit();
      await waitFor('the new job to be playable', async () => ((await status()).playable ? true : undefined), { timeoutMs: LIMIT_MS, intervalMs: 100 });
      const cancel = await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}/cancel`, { method: 'POST', headers: auth });
      expect(cancel.status).toBe(202);
      const after = await status();
      expect(after).toMatchObject({ jobId, status: 'cancelled', playable: false, hlsUrl: previous.hlsUrl, posterUrl: previous.posterUrl });
      await waitFor(
        "the cancelled job's output to be removed",
        async () => {
          const keys: string[] = [];
          for await (const { key } of stack.storage.list(jobOutputPrefix(fileId, jobId))) keys.push(key);
          return keys.length === 0 ? true : undefined;
        },
        { timeoutMs: LIMIT_MS },
      );
      const served = await observe(stack.storage, previousPrefix);
      expect(served).toMatchObject({ master: true, growing: [] });
      expect(served.ended).toHaveLength(3);
    },
    LIMIT_MS * 2,
  );

  it(
    'when a re-transcode fails, then the file keeps serving the previous ladder, whole',
    async () => {
      // The latest job was cancelled (above): the file serves the ladder of the one before it.
      const previous = await status();
      const served = (await stack.jobs.findLatestAndServedByFileId(fileId))!.served!;
      expect(served.status).toBe('completed');
      expect(previous.hlsUrl).toContain(`/${served.outputPrefix}/master.m3u8`);
      // The original gone from storage: the new job fails at once (source_missing), never retried.
      await stack.storage.delete(originalKey(fileId));
      const jobId = await submit();
      const failed = (await waitForSettled(stack.baseUrl, fileId, { timeoutMs: LIMIT_MS })) as Status;
      expect(failed).toMatchObject({ jobId, status: 'failed', playable: false, hlsUrl: previous.hlsUrl, posterUrl: previous.posterUrl, error: { code: 'source_missing' } });
      const stillServed = await observe(stack.storage, served.outputPrefix!);
      expect(stillServed).toMatchObject({ master: true, growing: [] });
      expect(stillServed.ended).toHaveLength(3);
    },
    LIMIT_MS,
  );
});
