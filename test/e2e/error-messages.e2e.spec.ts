import { rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { ADMIN_OWNER, FilesRepository } from '@reelforge/db';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { auth, getStatus, uploadFile } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const RAW_STORAGE_ERROR = 'S3 putObject failed for bucket "acme-private" at https://minio.internal.example:9000/acme-private: connect ECONNREFUSED 10.0.0.5:9000';
const RAW_DECODER_ERROR = 'ffmpeg exited with code 1: file:/srv/reelforge/scratch/reelforge-job-x/source: Invalid data found when processing input';

/**
 * What clients read when something fails: a fixed message per code (bad media: plus the decoder's
 * reason without paths or hosts), through every route that shows a job, while Postgres keeps the raw
 * text for operators; and storage failures at upload answer without the storage location.
 */
describe('error messages clients see', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.stop();
    await cleanupFixtures();
  });

  async function failedJob(code: string, message: string): Promise<{ fileId: string; jobId: string }> {
    const fileId = createId();
    await new FilesRepository(stack.db.pool).insert({ owner: ADMIN_OWNER, id: fileId, originalName: 'clip.mp4', sizeBytes: 1, storageKey: `uploads/${fileId}/source` });
    const { job } = await stack.jobs.create({ owner: ADMIN_OWNER, fileId });
    await stack.jobs.markProcessing(job.id, { workerId: 'spec' });
    await stack.jobs.markFailed(job.id, { code, message, workerId: 'spec' });
    return { fileId, jobId: job.id };
  }

  async function listed(jobId: string): Promise<{ error: { code: string; message: string } | null } | undefined> {
    const page = (await (await fetch(`${stack.baseUrl}/api/media/jobs?status=failed&limit=100`, { headers: auth })).json()) as {
      items: { jobId: string; error: { code: string; message: string } | null }[];
    };
    return page.items.find((item) => item.jobId === jobId);
  }

  it.each([
    ['storage_unavailable', RAW_STORAGE_ERROR, 'Storage was unavailable; the error has been logged.'],
    ['ffmpeg_failed', RAW_DECODER_ERROR, 'Encoding failed. Reason: ffmpeg exited with code 1: [path] Invalid data found when processing input'],
  ])('when a job failed with %s, then the status route and the jobs list show the public message and Postgres keeps the raw one', async (code, raw, shown) => {
    const { fileId, jobId } = await failedJob(code, raw);
    expect((await getStatus(stack.baseUrl, fileId)).error).toEqual({ code, message: shown });
    expect((await listed(jobId))?.error).toEqual({ code, message: shown });
    expect((await stack.jobs.findById(jobId))?.errorMessage).toBe(raw);
    const events = await stack.db.pool.query<{ data: { message: string } }>("SELECT data FROM job_events WHERE job_id = $1 AND kind = 'failed'", [jobId]);
    expect(events.rows[0]?.data.message).toBe(raw);
  });

  it('when storage fails during an upload, then the 503 names no path, bucket or endpoint', async () => {
    if (stack.config.storage.driver !== 'local') throw new Error('expected local storage');
    const root = stack.config.storage.rootDir;
    // A file where the storage directory should be: every write fails with the OS's own message and path.
    await rm(root, { recursive: true, force: true });
    await writeFile(root, 'not a directory');
    try {
      const response = await uploadFile(stack.baseUrl, await makeFixture('small-360p'));
      expect(response.status).toBe(503);
      const problem = (await response.json()) as { code: string; detail: string };
      expect(problem).toMatchObject({ code: 'storage_unavailable', detail: 'Storage was unavailable; the error has been logged.' });
      expect(JSON.stringify(problem)).not.toContain(root);
    } finally {
      await rm(root, { force: true });
    }
  });
});
