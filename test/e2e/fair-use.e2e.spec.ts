import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiKeysRepository, FilesRepository } from '@reelforge/db';
import { createRedisConnection, createWorker } from '@reelforge/queue';
import { bearer, submitTranscode } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

const BURST = 200;
const WORKER_CONCURRENCY = 2;

describe('fair use per owner: queued-jobs limit and fair scheduling', () => {
  let stack: TestStack;
  let files: FilesRepository;
  let ownerA: Record<string, string>;
  let ownerB: Record<string, string>;

  /** Rows made directly: the submit path is what is under test, not uploads (covered elsewhere). */
  const fileOf = async (owner: string, n: number) =>
    (await files.insert({ owner, originalName: `clip-${n}.mp4`, sizeBytes: 1000, storageKey: `uploads/${owner}-${n}/source`, durationS: 2 })).id;

  /** Runs `tasks` with at most `width` in flight: many clients of one owner at once. */
  async function concurrently<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
    const results: T[] = new Array(tasks.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < tasks.length) {
          const index = next++;
          results[index] = await tasks[index]!();
        }
      }),
    );
    return results;
  }

  beforeAll(async () => {
    stack = await startTestStack({ worker: false, env: { OWNER_MAX_QUEUED_JOBS: String(BURST) } });
    files = new FilesRepository(stack.db.pool);
    const keys = new ApiKeysRepository(stack.db.pool);
    ownerA = bearer((await keys.create({ owner: 'owner-a' })).token);
    ownerB = bearer((await keys.create({ owner: 'owner-b' })).token);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("when owner A submits a burst past its limit from many clients at once, then exactly the limit is queued and the rest get 429 with Retry-After; owner B's single job submitted after it starts among the first (workers + 1)", async () => {
    const fileIds = await Promise.all(Array.from({ length: BURST + 6 }, (_, n) => fileOf('owner-a', n)));
    const answers = await concurrently(
      fileIds.map((fileId) => async () => {
        const res = await submitTranscode(stack.baseUrl, { fileId }, ownerA);
        return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { code?: string; jobId?: string } };
      }),
      16,
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(BURST);
    const refused = answers.filter((a) => a.status !== 202);
    expect(refused).toHaveLength(6);
    for (const answer of refused) {
      expect(answer).toMatchObject({ status: 429, retryAfter: '30', body: { code: 'owner_quota_exceeded' } });
    }

    const submitted = await submitTranscode(stack.baseUrl, { fileId: await fileOf('owner-b', 0) }, ownerB);
    expect(submitted.status).toBe(202);
    const bJobId = ((await submitted.json()) as { jobId: string }).jobId;

    // Real BullMQ workers on the real queue; the processor only claims and completes the row, so the
    // order in which jobs start is what is observed, from Postgres.
    const connection = createRedisConnection(stack.config.redis.url!, 'worker');
    const worker = createWorker(
      'transcode',
      async (job) => {
        await stack.jobs.markProcessing(job.data.jobId, { workerId: 'fair-test' });
        await stack.jobs.markCompleted(job.data.jobId, { renditions: [], outputPrefix: `hls/${job.data.fileId}/`, workerId: 'fair-test' });
        return { outputPrefix: `hls/${job.data.fileId}/`, renditions: [] };
      },
      { connection, prefix: stack.config.queue.prefix, concurrency: WORKER_CONCURRENCY },
    );
    try {
      await waitFor('owner B job to complete', async () => ((await stack.jobs.findById(bJobId))?.status === 'completed' ? true : undefined), { timeoutMs: 60_000 });
    } finally {
      await worker.close();
      connection.disconnect();
    }
    const { rows } = await stack.db.pool.query<{ id: string }>(
      `SELECT id FROM transcoding_jobs WHERE started_at IS NOT NULL ORDER BY started_at, id LIMIT ${WORKER_CONCURRENCY + 1}`,
    );
    expect(rows.map((r) => r.id)).toContain(bJobId);
  });

  it('when an administrator submits for an owner at its limit, then the job is queued anyway (administrators are not limited)', async () => {
    // The worker above ran a few of owner A's jobs: top its queue up to the limit again.
    let n = 10_000;
    let status = 202;
    while (status === 202) {
      n += 1;
      status = (await submitTranscode(stack.baseUrl, { fileId: await fileOf('owner-a', n) }, ownerA)).status;
    }
    expect(status).toBe(429);
    expect((await submitTranscode(stack.baseUrl, { fileId: await fileOf('owner-a', n + 1) })).status).toBe(202);
  });
});
