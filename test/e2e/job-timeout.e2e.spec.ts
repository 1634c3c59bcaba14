import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { submitTranscode, uploadFile, waitForSettled } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

/** Command lines of running ffmpeg processes that name `needle` (Linux /proc). */
async function ffmpegProcessesReading(needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const argv = cmdline.split('\0');
    if (argv.some((arg) => arg === 'ffmpeg' || arg.endsWith('/ffmpeg')) && cmdline.includes(needle)) found.push(argv.join(' '));
  }
  return found;
}

/**
 * The per-attempt time limit with the real worker and ffmpeg: the stack's limit is made tiny
 * (1 s floor, a negligible factor), the encode is made slow (a 20 s 720p clip at the `medium` preset),
 * and the test waits for the job to settle, not for a clock.
 */
describe('per-attempt time limit', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ env: { JOB_TIMEOUT_FACTOR: '0.001', JOB_TIMEOUT_FLOOR_S: '1', JOB_ATTEMPTS: '3' } });
  });
  afterAll(async () => {
    await stack?.stop();
    await cleanupFixtures();
  });

  it('when an attempt runs past its limit, then ffmpeg is killed and the job fails with job_timeout, once, leaving no output', async () => {
    const upload = await uploadFile(stack.baseUrl, await makeFixture('landscape-720p', { durationS: 20 }));
    expect(upload.status).toBe(201);
    const { fileId } = (await upload.json()) as { fileId: string };
    const submitted = await submitTranscode(stack.baseUrl, { fileId, ladder: { rungs: [{ height: 720 }, { height: 360 }], preset: 'medium' } });
    expect(submitted.status).toBe(202);

    const settled = await waitForSettled(stack.baseUrl, fileId, { timeoutMs: 120_000 });
    expect(settled).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'job_timeout' } });
    expect(settled.error?.message).toMatch(/longer than its time limit of 1 s/);

    const row = (await stack.db.pool.query<{ bullmq_job_id: string }>('SELECT bullmq_job_id FROM transcoding_jobs WHERE file_id = $1', [fileId])).rows[0]!;
    const bull = await stack.queue.getJob(row.bullmq_job_id);
    expect(await bull?.getState()).toBe('failed');
    // Final, like bad media: BullMQ's attempts (JOB_ATTEMPTS=3) are not spent on it.
    expect(bull?.attemptsMade).toBe(1);

    const file = (await stack.db.pool.query<{ storage_key: string }>('SELECT storage_key FROM files WHERE id = $1', [fileId])).rows[0]!;
    expect(await ffmpegProcessesReading(file.storage_key)).toEqual([]);
    const leftovers: string[] = [];
    for await (const object of stack.storage.list(`hls/${fileId}`)) leftovers.push(object.key);
    expect(leftovers).toEqual([]);
  });
});
