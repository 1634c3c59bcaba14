import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { FilesRepository, ADMIN_OWNER } from '@reelforge/db';
import { cleanupFixtures, makeFixture, type FixtureKind } from '@reelforge/ffmpeg/testing';
import { checkHlsConformance } from '../support/hls-conformance.js';
import { submitTranscode, uploadFile, waitForSettled, type StatusBody } from '../support/http.js';
import { downloadHlsOutput, sourceDurationS, uploadAndSubmit } from '../support/media-run.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// Broken and non-media uploads end in a clear invalid_media answer (a 422 at upload, or a failed job
// with the reason), never a hang, a retry loop or a dead worker; and a long file reports progress.

async function outputKeys(stack: TestStack, fileId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of stack.storage.list(`hls/${fileId}/`)) keys.push(object.key);
  return keys;
}

describe('media inputs: broken and non-media files, and a long file', () => {
  let stack: TestStack;
  const dirs: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    await cleanupFixtures();
  });

  /** A file stored without the upload sniff (an older API, a manual import): only the worker can refuse it. */
  async function storeUnsniffed(kind: FixtureKind): Promise<string> {
    const file = await makeFixture(kind);
    const id = createId();
    const storageKey = `uploads/${id}/holiday.mp4`;
    const { bytes } = await stack.storage.putFile(storageKey, file);
    await new FilesRepository(stack.db.pool).insert({ owner: ADMIN_OWNER, id, originalName: 'holiday.mp4', sizeBytes: bytes, storageKey });
    return id;
  }

  async function expectFailedAsInvalid(fileId: string, reason: RegExp): Promise<StatusBody> {
    const final = await waitForSettled(stack.baseUrl, fileId, { timeoutMs: 30_000 });
    expect(final).toMatchObject({ status: 'failed', attempts: 1, hlsUrl: null, error: { code: 'invalid_media' } });
    expect(final.error?.message).toMatch(reason);
    expect(await outputKeys(stack, fileId)).toEqual([]);
    process.stdout.write(`[media-inputs] job failed ${final.error?.code}: ${final.error?.message}\n`);
    return final;
  }

  it.each([
    ['truncated' as const, /moov atom not found/],
    ['zero-byte' as const, /empty \(0 bytes\)/],
    ['png-renamed' as const, /not on whitelist|png_pipe/i],
    ['text-renamed' as const, /moov atom not found|Invalid data/],
  ])('when a %s file is uploaded, then the upload is refused with 422 invalid_media and its reason', async (kind, reason) => {
    const res = await uploadFile(stack.baseUrl, await makeFixture(kind), 'holiday.mp4');
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe('invalid_media');
    expect(problem.detail).toMatch(reason);
    process.stdout.write(`[media-inputs] ${kind}: ${res.status} ${problem.code}: ${problem.detail}\n`);
  });

  it('when a corrupt file (sound header, noise in the middle) passes the upload sniff, then its job fails once as invalid_media with the decoder’s reason', async () => {
    const media = await uploadAndSubmit(stack.baseUrl, await makeFixture('corrupt'));
    const final = await expectFailedAsInvalid(media.fileId, /too many packets failed to decode/);
    // The reason names what ffmpeg saw, for the uploader and for support.
    expect(final.error?.message).toMatch(/Invalid data found|Invalid NAL unit|error while decoding/i);
  });

  it.each([
    ['png-renamed' as const, /Format not on whitelist/],
    ['text-renamed' as const, /moov atom not found/],
    ['truncated' as const, /moov atom not found/],
  ])('when a %s file reaches the worker without the upload sniff, then the job fails as invalid_media', async (kind, reason) => {
    const fileId = await storeUnsniffed(kind);
    expect((await submitTranscode(stack.baseUrl, { fileId })).status).toBe(202);
    await expectFailedAsInvalid(fileId, reason);
  });

  it('when all of that is behind it, then the same worker still transcodes a good file', async () => {
    const media = await uploadAndSubmit(stack.baseUrl, await makeFixture('small-360p'));
    expect(await waitForSettled(stack.baseUrl, media.fileId, { timeoutMs: 30_000 })).toMatchObject({ status: 'completed', error: null });
  });

  it('when a 60 s file is transcoded, then progress keeps moving, never goes back, and the output conforms', async () => {
    const file = await makeFixture('tiny-240p', { durationS: 60 });
    const media = await uploadAndSubmit(stack.baseUrl, file, { ladder: { rungs: [{ height: 144 }], segmentSeconds: 2 } });
    const samples: { status: string; stage: string | null; progress: number }[] = [];
    const final = await waitForSettled(stack.baseUrl, media.fileId, {
      timeoutMs: 240_000,
      onSample: (s) => {
        samples.push({ status: s.status, stage: s.stage, progress: s.progress });
      },
    });
    expect(final).toMatchObject({ status: 'completed', progress: 100 });

    const progress = samples.map((s) => s.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    for (const s of samples) if (s.status !== 'completed') expect(s.progress).toBeLessThan(100);
    const encoding = samples.filter((s) => s.stage === 'encoding');
    // Progress keeps moving while encoding: several distinct values, never a jump from start to end
    // (a parser that stopped reading, or ffmpeg reporting only at the end, gives one or two). Judged by
    // the values seen, not by how long each held: a loaded machine can pause any process for a while.
    expect(new Set(encoding.map((s) => s.progress)).size).toBeGreaterThanOrEqual(3);

    const dir = await downloadHlsOutput(stack.storage, media.fileId);
    dirs.push(dir);
    const report = await checkHlsConformance(dir, { sourceDurationS: await sourceDurationS(file) });
    expect(report.problems).toEqual([]);
    expect(report.video.map((v) => [v.width, v.height, v.segments])).toEqual([[256, 144, 30]]);
    process.stdout.write(`[media-inputs] long-60s: ${encoding.length} encoding samples, percent ${[...new Set(encoding.map((s) => s.progress))].join(' → ')} (${path.basename(file)})\n`);
  }, 300_000);
});
