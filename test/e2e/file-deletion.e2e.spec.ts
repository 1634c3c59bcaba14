import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { ApiKeysRepository } from '@reelforge/db';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { outputPrefix } from '@reelforge/storage';
import { auth, bearer, getStatus, submitTranscode, uploadFile, waitForSettled } from '../support/http.js';
import { runningWithCmdline } from '../support/proc.js';
import { openSse } from '../support/sse.client.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { bullJobIn, waitFor } from '../support/wait.js';

/** Only tells "never" from "eventually" on a loaded machine; the waits end on the event itself. */
const LIMIT_MS = 60_000;

/**
 * DELETE /api/media/:fileId through the real API, worker, ffmpeg and storage: what is removed, what
 * stays (the audit trail), and a worker that is encoding the file when it is deleted.
 */
describe.each(['local', 's3'] as const)('deleting a file with %s storage', (driver) => {
  let stack: TestStack;
  let quickClip: string;
  let longClip: string;
  let alice: Record<string, string>;
  let bob: Record<string, string>;

  beforeAll(async () => {
    stack = await startTestStack({ storage: driver });
    const keys = new ApiKeysRepository(stack.db.pool);
    alice = bearer((await keys.create({ owner: 'alice' })).token);
    bob = bearer((await keys.create({ owner: 'bob' })).token);
    [quickClip, longClip] = await Promise.all([makeFixture('small-360p', { durationS: 2 }), makeFixture('landscape-720p', { durationS: 24 })]);
  });
  afterAll(async () => {
    await stack.stop();
    await cleanupFixtures();
  });

  const upload = async (file: string, headers: Record<string, string>): Promise<string> => {
    const res = await uploadFile(stack.baseUrl, file, 'clip.mp4', headers);
    expect(res.status).toBe(201);
    return ((await res.json()) as { fileId: string }).fileId;
  };
  const submit = async (body: Record<string, unknown>, headers: Record<string, string>): Promise<string> => {
    const res = await submitTranscode(stack.baseUrl, body, headers);
    expect(res.status).toBe(202);
    return ((await res.json()) as { jobId: string }).jobId;
  };
  const remove = async (fileId: string, headers: Record<string, string>) => {
    const res = await fetch(`${stack.baseUrl}/api/media/${fileId}`, { method: 'DELETE', headers });
    const text = await res.text();
    return { status: res.status, body: text === '' ? null : (JSON.parse(text) as Record<string, unknown>) };
  };
  const storedKeys = async (prefix: string) => {
    const keys: string[] = [];
    for await (const object of stack.storage.list(prefix)) keys.push(object.key);
    return keys;
  };
  const eventKinds = async (jobId: string) =>
    (await stack.db.pool.query<{ kind: string }>("SELECT kind FROM job_events WHERE job_id = $1 AND kind <> 'stage' ORDER BY id", [jobId])).rows.map((r) => r.kind);
  /** Every way a client or viewer could still reach the file; each must answer 404 once it is deleted. */
  const reachable = async (fileId: string, headers: Record<string, string>) => ({
    file: (await fetch(`${stack.baseUrl}/api/media/files/${fileId}`, { headers })).status,
    status: (await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}`, { headers })).status,
    events: (await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}/events`, { headers })).status,
    retry: (await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}/retry`, { method: 'POST', headers })).status,
    transcode: (await submitTranscode(stack.baseUrl, { fileId }, headers)).status,
    watchPage: (await fetch(`${stack.baseUrl}/watch/${fileId}`)).status,
    watchStatus: (await fetch(`${stack.baseUrl}/watch/${fileId}/status.json`)).status,
    listed: ((await (await fetch(`${stack.baseUrl}/api/media/jobs?limit=100`, { headers })).json()) as { items: { fileId: string }[] }).items.some((j) => j.fileId === fileId),
  });
  const GONE = { file: 404, status: 404, events: 404, retry: 404, transcode: 404, watchPage: 404, watchStatus: 404, listed: false };

  it('when the owner deletes a transcoded file, then its original and every output are gone, every route answers 404, and the audit trail stays', async () => {
    const fileId = await upload(quickClip, alice);
    const jobId = await submit({ fileId }, alice);
    const done = await waitForSettled(stack.baseUrl, fileId, { headers: alice, timeoutMs: LIMIT_MS });
    expect(done.status).toBe('completed');
    expect(await storedKeys(`uploads/${fileId}`)).not.toEqual([]);
    expect(await storedKeys(`hls/${fileId}`)).toContain(`${outputPrefix(fileId, jobId, 1)}/master.m3u8`);
    if (driver === 'local') expect((await fetch(`${stack.baseUrl}${new URL(done.hlsUrl!).pathname}`)).status).toBe(200);

    // Another owner cannot, and learns nothing: the 404 of an unknown id.
    const stranger = await remove(fileId, bob);
    const unknown = await remove(createId(), bob);
    expect(stranger.status).toBe(404);
    expect({ ...stranger.body, detail: null }).toEqual({ ...unknown.body, detail: null });
    expect(await storedKeys(`uploads/${fileId}`)).not.toEqual([]);

    expect(await remove(fileId, alice)).toEqual({ status: 204, body: null });
    expect(await storedKeys(`uploads/${fileId}`)).toEqual([]);
    expect(await storedKeys(`hls/${fileId}`)).toEqual([]);
    expect(await reachable(fileId, alice)).toEqual(GONE);
    expect(await reachable(fileId, auth)).toEqual(GONE);
    // The API serves local output under /media/hls (the URL's host is PUBLIC_BASE_URL's, not this stack's).
    if (driver === 'local') expect((await fetch(`${stack.baseUrl}${new URL(done.hlsUrl!).pathname}`)).status).toBe(404);
    expect(await stack.jobs.findById(jobId)).toMatchObject({ status: 'completed', fileId });
    expect(await eventKinds(jobId)).toEqual(['queued', 'processing', 'playable', 'completed', 'file_deleted']);

    expect(await remove(fileId, alice)).toMatchObject({ status: 404, body: { code: 'file_not_found' } });
  }, 3 * LIMIT_MS);

  it('when an administrator deletes a file while a worker encodes it, then the answer is 202, ffmpeg stops, the job ends cancelled and nothing it wrote survives', async () => {
    const fileId = await upload(longClip, alice);
    // A slow preset, so that the encode is still running when the delete comes.
    const jobId = await submit({ fileId, ladder: { preset: 'medium' } }, alice);
    await waitFor(
      'the job to be encoding with segments in storage',
      async () => ((await getStatus(stack.baseUrl, fileId, alice)).progress > 5 && (await storedKeys(`hls/${fileId}`)).length > 0 ? true : undefined),
      { timeoutMs: LIMIT_MS },
    );

    const watching = await openSse(`${stack.baseUrl}/api/media/transcode/${fileId}/events`, alice);
    expect(watching.response.status).toBe(200);

    expect(await remove(fileId, auth)).toEqual({ status: 202, body: { fileId, jobId, status: 'cancelled' } });
    // The owner's open live stream ends (a reconnect would get the 404 below), without a final event for a file that is gone.
    const relayed = await watching.rest(LIMIT_MS);
    expect(relayed.filter((event) => ['completed', 'failed', 'cancelled'].includes(event.event))).toEqual([]);
    expect(await stack.jobs.findById(jobId)).toMatchObject({ status: 'cancelled' });
    // The worker's attempt is over once BullMQ has failed it; its cancelled path removes its output after its last upload.
    const attempt = await bullJobIn('failed', () => stack.queue.getJob(`${jobId}.1`), LIMIT_MS);
    expect(attempt.progress).toMatchObject({ stage: 'encoding' });
    await waitFor('ffmpeg to stop', async () => ((await runningWithCmdline(fileId)).length === 0 ? true : undefined), { timeoutMs: LIMIT_MS });
    expect(await storedKeys(`hls/${fileId}`)).toEqual([]);
    expect(await storedKeys(`uploads/${fileId}`)).toEqual([]);
    expect(await reachable(fileId, alice)).toEqual(GONE);
    // Whether it became playable before the delete depends on timing; the rest of the trail does not.
    expect((await eventKinds(jobId)).filter((kind) => kind !== 'playable')).toEqual(['queued', 'processing', 'file_deleted', 'cancelled']);
  }, 4 * LIMIT_MS);
});
