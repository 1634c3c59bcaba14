import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { submitTranscode, uploadFile, waitForSettled } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const JOBS = 3;

describe('OWNER_MAX_RUNNING_JOBS: a worker fleet runs at most that many of one owner jobs at once', () => {
  let stack: TestStack;
  let clip: string;

  beforeAll(async () => {
    stack = await startTestStack({ env: { OWNER_MAX_RUNNING_JOBS: '1', WORKER_CONCURRENCY: String(JOBS) } });
    clip = await makeFixture('tiny-240p', { durationS: 1 });
  });
  afterAll(async () => {
    await stack?.stop();
    await cleanupFixtures();
  });

  it('when one owner queues more jobs than the limit and workers are free, then they run one after another and all complete', async () => {
    const fileIds: string[] = [];
    for (let i = 0; i < JOBS; i += 1) {
      const res = await uploadFile(stack.baseUrl, clip);
      expect(res.status).toBe(201);
      fileIds.push(((await res.json()) as { fileId: string }).fileId);
    }
    for (const fileId of fileIds) expect((await submitTranscode(stack.baseUrl, { fileId })).status).toBe(202);
    for (const fileId of fileIds) expect((await waitForSettled(stack.baseUrl, fileId, { timeoutMs: 120_000 })).status).toBe('completed');

    // Each job ran once; their running intervals, as Postgres recorded them, never overlap.
    const { rows } = await stack.db.pool.query<{ started_at: Date; finished_at: Date }>(
      'SELECT started_at, finished_at FROM transcoding_jobs WHERE file_id = ANY($1) ORDER BY started_at',
      [fileIds],
    );
    expect(rows).toHaveLength(JOBS);
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.started_at.getTime()).toBeGreaterThanOrEqual(rows[i - 1]!.finished_at.getTime());
  });
});
