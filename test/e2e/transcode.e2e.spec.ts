import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { probe } from '@reelforge/ffmpeg';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { parseProbe } from '@reelforge/media';
import { transcodeBullJobId } from '@reelforge/queue';
import HLS from 'hls-parser';
import { onlyOutputPrefix } from '../support/hls-output.js';
import { getStatus, submitTranscode, uploadFile, waitForSettled, type StatusBody } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

async function readText(stack: TestStack, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await stack.storage.getStream(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses master.m3u8 and every playlist and segment it names, straight from storage. */
async function inspectOutput(stack: TestStack, fileId: string) {
  const prefix = await onlyOutputPrefix(stack.storage, fileId);
  const master = HLS.parse(await readText(stack, `${prefix}/master.m3u8`));
  if (!master.isMasterPlaylist) throw new Error('master.m3u8 is not a master playlist');
  const playlists = [...master.variants.map((v) => v.uri), ...master.variants.flatMap((v) => v.audio.map((a) => a.uri!))];
  const media = new Map<string, { totalS: number; targetS: number; segments: number }>();
  for (const uri of new Set(playlists)) {
    const playlist = HLS.parse(await readText(stack, `${prefix}/${uri}`));
    if (playlist.isMasterPlaylist) throw new Error(`${uri} is not a media playlist`);
    const dir = uri.split('/')[0];
    for (const segment of playlist.segments) {
      const stat = await stack.storage.stat(`${prefix}/${dir}/${segment.uri}`);
      expect(stat?.bytes).toBeGreaterThan(0);
      expect(segment.duration).toBeLessThanOrEqual(playlist.targetDuration + 0.5);
    }
    media.set(uri, {
      totalS: playlist.segments.reduce((sum, s) => sum + s.duration, 0),
      targetS: playlist.targetDuration,
      segments: playlist.segments.length,
    });
  }
  return { master, media };
}

describe.each(['local', 's3'] as const)('upload → transcode → HLS with %s storage', (driver) => {
  let stack: TestStack;
  let source: string;
  let sourceDurationS: number;
  /** This stack's own upload spool (UPLOAD_TMP_DIR), so what it holds is this file's doing alone. */
  let spool: string;

  beforeAll(async () => {
    spool = await mkdtemp(path.join(os.tmpdir(), 'reelforge-e2e-spool-'));
    stack = await startTestStack({ storage: driver, env: { UPLOAD_TMP_DIR: spool } });
    source = await makeFixture('landscape-720p', { durationS: 3 });
    sourceDurationS = parseProbe(await probe(source)).durationS;
  });
  afterAll(async () => {
    await stack.stop();
    await rm(spool, { recursive: true, force: true });
    await cleanupFixtures();
  });

  /** Everything an upload can leave behind: file rows, stored objects (the whole store) and spooled temp files. */
  const traces = async () => {
    const objects: string[] = [];
    for await (const object of stack.storage.list('')) objects.push(object.key);
    return {
      files: (await stack.db.pool.query<{ id: string }>('SELECT id FROM files ORDER BY id')).rows.map((r) => r.id),
      objects: objects.sort(),
      spooled: (await readdir(spool)).sort(),
    };
  };

  it('when a video is uploaded and transcoded, then a complete, parseable ladder lands in storage', async () => {
    const upload = await uploadFile(stack.baseUrl, source, 'My Clip (final).mp4');
    expect(upload.status).toBe(201);
    const file = (await upload.json()) as { fileId: string; sizeBytes: number; width: number; height: number };
    expect(file).toMatchObject({ width: 1280, height: 720 });

    const submit = await submitTranscode(stack.baseUrl, { fileId: file.fileId });
    expect(submit.status).toBe(202);
    const { jobId } = (await submit.json()) as { jobId: string };

    const samples: StatusBody[] = [];
    const final = await waitForSettled(stack.baseUrl, file.fileId, {
      onSample: async (sample) => {
        samples.push(sample);
        // Postgres and BullMQ agree at every stage we observe.
        const bull = await stack.queue.getJob(transcodeBullJobId(jobId, 1));
        const state = await bull?.getState();
        if (sample.status === 'processing') expect(['active', 'completed']).toContain(state);
        if (sample.status === 'queued') expect(['waiting', 'active', 'prioritized', 'delayed']).toContain(state);
      },
    });
    expect(final).toMatchObject({ status: 'completed', progress: 100, stage: 'done', error: null, attempts: 1 });
    expect(await (await stack.queue.getJob(transcodeBullJobId(jobId, 1)))?.getState()).toBe('completed');

    // Progress only moves forward and reaches 100 only with completion.
    const progress = samples.map((s) => s.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    for (const s of samples) if (s.status !== 'completed') expect(s.progress).toBeLessThan(100);

    const { master, media } = await inspectOutput(stack, file.fileId);
    // 720p source with a 360/240 ladder: both rungs, never taller than the source.
    expect(master.variants.map((v) => v.resolution)).toEqual([
      { width: 426, height: 240 },
      { width: 640, height: 360 },
    ]);
    for (const variant of master.variants) {
      expect(variant.resolution!.height).toBeLessThanOrEqual(720);
      expect(variant.bandwidth).toBeGreaterThan(variant.averageBandwidth!);
      expect(variant.codecs).toMatch(/^avc1\.64[0-9a-f]{4},mp4a\.40\.2$/);
      expect(variant.frameRate).toBe(30);
    }
    for (const { totalS, targetS } of media.values()) {
      expect(Math.abs(totalS - sourceDurationS)).toBeLessThanOrEqual(targetS);
    }
    expect(final.renditions.map((r) => r.name)).toEqual(['360p', '240p', 'audio']);
    expect(final.hlsUrl).toMatch(new RegExp(`/hls/${file.fileId}/${jobId}/1/master\\.m3u8$`));
    for (const asset of ['poster.jpg', 'storyboard.jpg', 'storyboard.vtt']) {
      expect((await stack.storage.stat(`${await onlyOutputPrefix(stack.storage, file.fileId)}/${asset}`))?.bytes).toBeGreaterThan(0);
    }

    const events = await stack.db.pool.query<{ kind: string }>('SELECT kind FROM job_events WHERE job_id = $1 ORDER BY id', [jobId]);
    expect(events.rows.map((r) => r.kind).filter((k) => k !== 'stage')).toEqual(['queued', 'processing', 'playable', 'completed']);
  });

  it('when the file is not a video, then the upload is refused with invalid_media and nothing is kept', async () => {
    const png = await makeFixture('png-renamed');
    const before = await traces();
    const res = await uploadFile(stack.baseUrl, png, 'holiday.mp4');
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 422, code: 'invalid_media' });
    // The same rows, objects and spool as before the upload: nothing added, nothing half-written.
    expect(await traces()).toEqual(before);
  });

  it('when the status of an unknown file is asked for, then it is a 404 problem', async () => {
    const res = await fetch(`${stack.baseUrl}/api/media/transcode/nosuchfile`, { headers: { authorization: 'Bearer test-token-0123456789' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'file_not_found' });
    await expect(getStatus(stack.baseUrl, 'nosuchfile')).rejects.toThrow(/404/);
  });
});
