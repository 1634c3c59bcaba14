import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { ADMIN_OWNER, DirectUploadsRepository, FilesRepository, JobsRepository, type FileRecord } from '@reelforge/db';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createQueue, createRedisConnection, ImportReconciler, type JobQueue } from '../src/index.js';

const redisUrl = process.env.REELFORGE_TEST_REDIS_URL!;

describe('ImportReconciler against real Postgres and Redis', () => {
  let db: TestDatabase;
  let connection: Redis;
  let queue: JobQueue<'imports'>;
  let files: FilesRepository;
  let jobs: JobsRepository;
  const prefix = `rf-imp-${createId().slice(0, 10)}`;

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'importrec' });
    connection = createRedisConnection(redisUrl, 'worker');
    queue = createQueue('imports', { connection, prefix, attempts: 1 });
    files = new FilesRepository(db.pool);
    jobs = new JobsRepository(db.pool);
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await db.drop();
  });

  const reconciler = (graceMs = 0) => new ImportReconciler({ queue, files, jobs, graceMs });

  async function importingFile(): Promise<FileRecord> {
    const id = createId();
    return files.insertImporting({ id, originalName: 'clip.mp4', storageKey: `uploads/${id}/source`, sourceUrl: `https://example.com/${id}.mp4`, owner: ADMIN_OWNER });
  }

  it('when Redis lost the import of a file with a waiting transcode job, then it is queued again with that job, once', async () => {
    const file = await importingFile();
    const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: file.id, stage: 'importing' });
    const first = await reconciler().reconcileOnce();
    expect(first.requeued).toContain(file.id);
    expect((await queue.getJob(file.id))?.data).toEqual({ fileId: file.id, url: file.sourceUrl, jobId: job.id });
    // Queued now: the next run leaves it alone.
    expect((await reconciler().reconcileOnce()).requeued).not.toContain(file.id);
  });

  it('when Redis lost the sniff of a completed direct upload, then it is queued again to read the stored original', async () => {
    const id = createId();
    const uploads = new DirectUploadsRepository(db.pool);
    await uploads.create({
      file: { id, originalName: 'clip.mp4', mime: 'video/mp4', storageKey: `uploads/${id}/source`, owner: ADMIN_OWNER },
      uploadId: 'u1',
      declaredBytes: 10,
      partSize: 5 * 1024 * 1024,
      partCount: 1,
      expiresAt: new Date(Date.now() + 3600_000),
    });
    const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: id, stage: 'importing' });
    await uploads.closeCompleted(id, 10);
    expect((await reconciler().reconcileOnce()).requeued).toContain(id);
    expect((await queue.getJob(id))?.data).toEqual({ fileId: id, source: 'storage', jobId: job.id });
  });

  it('when the file was written within the grace period, then it is left alone (the API is about to queue it)', async () => {
    const file = await importingFile();
    expect((await reconciler(60_000).reconcileOnce()).requeued).not.toContain(file.id);
    expect(await queue.getJob(file.id)).toBeUndefined();
  });

  it('when the queue gave up on an import without an outcome, then the file and its waiting job fail with import_failed', async () => {
    const file = await importingFile();
    const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: file.id, stage: 'importing' });
    // Only this import waits, so the worker below takes it.
    await queue.drain();
    await queue.add('import', { fileId: file.id, url: file.sourceUrl!, jobId: job.id }, { jobId: file.id });
    const workerConnection = createRedisConnection(redisUrl, 'worker');
    const worker = new Worker('imports', null, { connection: workerConnection, prefix, autorun: false });
    try {
      const taken = await worker.getNextJob('test-token');
      await taken!.moveToFailed(new Error('worker died'), 'test-token');
    } finally {
      await worker.close();
      workerConnection.disconnect();
    }

    expect((await reconciler().reconcileOnce()).failed).toContain(file.id);
    expect(await files.findById(file.id)).toMatchObject({ state: 'failed', error: { code: 'import_failed' } });
    expect(await jobs.findById(job.id)).toMatchObject({ status: 'failed', errorCode: 'import_failed' });
  });

  it('when a file is ready, then it is not checked', async () => {
    const file = await importingFile();
    await files.markImported(file.id, { mime: 'video/mp4', sizeBytes: 1, durationS: 1, width: 2, height: 2 });
    const report = await reconciler().reconcileOnce();
    expect([...report.requeued, ...report.failed]).not.toContain(file.id);
    expect(await queue.getJob(file.id)).toBeUndefined();
  });
});
