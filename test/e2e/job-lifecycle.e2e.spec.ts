import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { auth, getStatus, submitTranscode, uploadFile, waitForSettled } from '../support/http.js';
import { runningWithCmdline } from '../support/proc.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { bullJobIn, waitFor } from '../support/wait.js';

/**
 * Limit on waits for a cancel to take effect: generous, because it only has to tell "never" from
 * "eventually" on a loaded machine. That the cancel cut the encode short is shown by its own
 * evidence (the attempt's last progress report), not by a stopwatch.
 */
const CANCEL_LIMIT_MS = 60_000;

interface JobBody {
  jobId: string;
  fileId: string;
  status: string;
  created?: boolean;
  attempts?: number;
}

/**
 * Cancel, retry, the failure policy and duplicate requests through the real API, queue, worker
 * and ffmpeg (one in-process stack, worker concurrency 1).
 */
describe('job lifecycle through the API', () => {
  let stack: TestStack;
  let longClip: string;
  let quickClip: string;

  beforeAll(async () => {
    stack = await startTestStack();
    [longClip, quickClip] = await Promise.all([makeFixture('landscape-720p', { durationS: 24 }), makeFixture('small-360p', { durationS: 2 })]);
  });
  afterAll(async () => {
    await stack.stop();
    await cleanupFixtures();
  });

  const upload = async (file: string): Promise<string> => {
    const res = await uploadFile(stack.baseUrl, file);
    expect(res.status).toBe(201);
    return ((await res.json()) as { fileId: string }).fileId;
  };
  const submit = async (body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await submitTranscode(stack.baseUrl, body, headers);
    return { status: res.status, body: (await res.json()) as JobBody & { code?: string } };
  };
  const control = async (fileId: string, action: 'cancel' | 'retry') => {
    const res = await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}/${action}`, { method: 'POST', headers: auth });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as JobBody & { code?: string } };
  };
  const eventKinds = async (jobId: string) =>
    (await stack.db.pool.query<{ kind: string }>("SELECT kind FROM job_events WHERE job_id = $1 AND kind NOT IN ('stage', 'playable') ORDER BY id", [jobId])).rows.map(
      (r) => r.kind,
    );
  const storedKeys = async (prefix: string) => {
    const keys: string[] = [];
    for await (const object of stack.storage.list(prefix)) keys.push(object.key);
    return keys;
  };
  /** Resolves once no ffmpeg works on the file and its partial output is gone. */
  const stoppedAndCleaned = (fileId: string) =>
    waitFor(
      'ffmpeg to stop and the partial output to be removed',
      async () => ((await runningWithCmdline(fileId)).length === 0 && (await storedKeys(`hls/${fileId}`)).length === 0 ? true : undefined),
      { timeoutMs: CANCEL_LIMIT_MS },
    );
  /**
   * The attempt's last progress report, once BullMQ has failed it. A run that reached the end of the
   * source moves on to `uploading`: still `encoding` means ffmpeg was stopped mid-encode, before the
   * encode would have finished on its own, however long the stop took.
   */
  const lastReport = async (jobId: string) => (await bullJobIn('failed', () => stack.queue.getJob(`${jobId}.1`), CANCEL_LIMIT_MS)).progress;

  let cancelledBeforeStart: { fileId: string; jobId: string };

  it('when a queued job is cancelled, it leaves the queue; when a running one is, its ffmpeg is stopped mid-encode and its partial output is deleted', async () => {
    const [slowFile, quickFile] = [await upload(longClip), await upload(quickClip)];
    // A slow preset, so that the encode is still running when the cancel comes.
    const slow = await submit({ fileId: slowFile, ladder: { preset: 'medium' } });
    expect(slow.status).toBe(202);
    await waitFor(
      'the slow job to be encoding with segments in storage',
      async () => {
        const status = await getStatus(stack.baseUrl, slowFile);
        return status.progress > 5 && (await storedKeys(`hls/${slowFile}`)).length > 0 ? true : undefined;
      },
      { timeoutMs: CANCEL_LIMIT_MS },
    );
    expect(await runningWithCmdline(slowFile)).not.toEqual([]);

    // The worker is busy, so this one waits in the queue.
    const queued = await submit({ fileId: quickFile });
    expect(queued.body.status).toBe('queued');
    cancelledBeforeStart = { fileId: quickFile, jobId: queued.body.jobId };
    const cancelQueued = await control(quickFile, 'cancel');
    expect(cancelQueued).toMatchObject({ status: 202, body: { jobId: queued.body.jobId, fileId: quickFile, status: 'cancelled' } });
    expect(await stack.queue.getJob(`${queued.body.jobId}.1`)).toBeUndefined();
    expect(await eventKinds(queued.body.jobId)).toEqual(['queued', 'cancelled']);

    const cancelRunning = await control(slowFile, 'cancel');
    expect(cancelRunning).toMatchObject({ status: 202, body: { jobId: slow.body.jobId, status: 'cancelled' } });
    await stoppedAndCleaned(slowFile);
    expect(await getStatus(stack.baseUrl, slowFile)).toMatchObject({ status: 'cancelled', hlsUrl: null });
    expect(await lastReport(slow.body.jobId)).toMatchObject({ stage: 'encoding' });
    // One cancelled event: the worker's own transition after the API's is refused by the guard.
    expect(await eventKinds(slow.body.jobId)).toEqual(['queued', 'processing', 'cancelled']);

    // Cancelling again is harmless.
    expect(await control(slowFile, 'cancel')).toMatchObject({ status: 200, body: { status: 'cancelled' } });
  }, 3 * CANCEL_LIMIT_MS);

  it('when the cancel broadcast never reaches the worker, then its next progress write is refused and it stops anyway', async () => {
    const fileId = await upload(longClip);
    const { body } = await submit({ fileId, ladder: { preset: 'medium' } });
    await waitFor('the job to be encoding', async () => ((await getStatus(stack.baseUrl, fileId)).progress > 5 ? true : undefined), { timeoutMs: CANCEL_LIMIT_MS });
    // Postgres only: what the API does when Redis is unreachable for the publish.
    expect(await stack.jobs.markCancelled(body.jobId)).toMatchObject({ status: 'cancelled' });
    await stoppedAndCleaned(fileId);
    expect(await lastReport(body.jobId)).toMatchObject({ stage: 'encoding' });
    expect(await eventKinds(body.jobId)).toEqual(['queued', 'processing', 'cancelled']);
  }, 3 * CANCEL_LIMIT_MS);

  it('when a cancelled job is retried, then it runs as a new attempt under a BullMQ id no old key can swallow', async () => {
    const { fileId, jobId } = cancelledBeforeStart;
    const retry = await control(fileId, 'retry');
    expect(retry).toMatchObject({ status: 202, body: { jobId, fileId, status: 'queued', attempts: 0 } });
    expect(await waitForSettled(stack.baseUrl, fileId)).toMatchObject({ status: 'completed', attempts: 1 });
    // `.1` was the cancelled attempt's id, so the retry runs as `.2`.
    expect(await stack.jobs.findById(jobId)).toMatchObject({ bullmqJobId: `${jobId}.2` });
    await bullJobIn('completed', () => stack.queue.getJob(`${jobId}.2`));
    expect(await eventKinds(jobId)).toEqual(['queued', 'cancelled', 'queued', 'processing', 'completed']);

    const retryCompleted = await control(fileId, 'retry');
    expect(retryCompleted).toMatchObject({ status: 409, body: { code: 'job_not_retryable' } });
    expect(retryCompleted.type).toMatch(/^application\/problem\+json/);
    expect(await control(fileId, 'cancel')).toMatchObject({ status: 409, body: { code: 'job_not_cancellable' } });
  });

  it('when the source is broken, then the job fails once with invalid_media and a readable reason; a retry after fixing it completes as attempt 2', async () => {
    const fileId = await upload(quickClip);
    const { rows } = await stack.db.pool.query<{ storage_key: string }>('SELECT storage_key FROM files WHERE id = $1', [fileId]);
    const sourceKey = rows[0]!.storage_key;
    // The upload was sniffed as fine; what the worker reads later is not (a bad disk, a bad sync).
    await stack.storage.putFile(sourceKey, await makeFixture('truncated'));
    const { body } = await submit({ fileId });

    const failed = await waitForSettled(stack.baseUrl, fileId);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'invalid_media' } });
    // Clients read the fixed message and ffprobe's reason without any path; job_events keep the raw text.
    expect(failed.error?.message).toMatch(/^The file is not usable video or audio\. Reason: ffprobe could not read "[^"/]+": .+/);
    const trail = await stack.db.pool.query<{ data: { message: string } }>("SELECT data FROM job_events WHERE job_id = $1 AND kind = 'failed'", [body.jobId]);
    expect(trail.rows[0]?.data.message).toMatch(/^ffprobe could not read "[^"]+": .+/);
    const bull = await bullJobIn('failed', () => stack.queue.getJob(`${body.jobId}.1`));
    expect(bull.attemptsMade).toBe(1);
    expect(await eventKinds(body.jobId)).toEqual(['queued', 'processing', 'failed']);
    expect(await storedKeys(`hls/${fileId}`)).toEqual([]);

    await stack.storage.putFile(sourceKey, quickClip);
    expect(await control(fileId, 'retry')).toMatchObject({ status: 202, body: { jobId: body.jobId, status: 'queued', attempts: 1 } });
    expect(await waitForSettled(stack.baseUrl, fileId)).toMatchObject({ status: 'completed', attempts: 2, error: null });
    expect(await stack.jobs.findById(body.jobId)).toMatchObject({ bullmqJobId: `${body.jobId}.2`, errorCode: null, errorMessage: null });
    expect(await eventKinds(body.jobId)).toEqual(['queued', 'processing', 'failed', 'queued', 'processing', 'completed']);
  });

  it('when requests repeat or race, then one job exists per key and per file, and a late progress write changes nothing', async () => {
    const [fileA, fileB] = [await upload(quickClip), await upload(quickClip)];
    const key = { 'idempotency-key': `key-${fileA}` };
    const first = await submit({ fileId: fileA }, key);
    const again = await submit({ fileId: fileA }, key);
    expect(first).toMatchObject({ status: 202, body: { created: true } });
    expect(again).toMatchObject({ status: 202, body: { jobId: first.body.jobId, created: false } });
    expect(await submit({ fileId: fileB }, key)).toMatchObject({ status: 422, body: { code: 'idempotency_key_reused' } });

    const racing = await Promise.all(Array.from({ length: 10 }, () => submit({ fileId: fileB })));
    expect(racing.map((r) => r.status)).toEqual(Array(10).fill(202));
    expect(new Set(racing.map((r) => r.body.jobId)).size).toBe(1);
    expect(racing.filter((r) => r.body.created)).toHaveLength(1);
    const count = await stack.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM transcoding_jobs WHERE file_id = $1', [fileB]);
    expect(count.rows[0]?.n).toBe(1);

    const done = await waitForSettled(stack.baseUrl, fileB);
    expect(done.status).toBe('completed');
    const jobId = racing[0]!.body.jobId;
    const finished = (await stack.jobs.findById(jobId))!;
    // What a slow or duplicated worker message would do after completion: every write is refused.
    expect(await stack.jobs.updateProgress(jobId, { progress: 40, stage: 'encoding', workerId: finished.workerId! })).toBeNull();
    expect(await stack.jobs.markFailed(jobId, { code: 'internal_error', message: 'late', workerId: finished.workerId! })).toBeNull();
    expect(await stack.jobs.releaseToQueued(jobId, { reason: 'late' })).toBeNull();
    expect(await getStatus(stack.baseUrl, fileB)).toMatchObject({ status: 'completed', progress: 100, stage: 'done', error: null });
    expect(await eventKinds(jobId)).toEqual(['queued', 'processing', 'completed']);
    expect(await waitForSettled(stack.baseUrl, fileA)).toMatchObject({ status: 'completed' });
  });
});
