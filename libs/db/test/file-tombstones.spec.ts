import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PoolClient } from 'pg';
import { ADMIN_OWNER, FilesRepository, JobEventsRepository, JobsRepository, UnknownFileError, type Job } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
let files: FilesRepository;
let jobs: JobsRepository;
let events: JobEventsRepository;
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'test_tombstones' });
  files = new FilesRepository(db.pool);
  jobs = new JobsRepository(db.pool);
  events = new JobEventsRepository(db.pool);
});

afterAll(async () => {
  await db.drop();
});

const newFileId = async (owner = ADMIN_OWNER): Promise<string> => {
  counter += 1;
  return (await files.insert({ owner, originalName: 'clip.mp4', sizeBytes: 10, storageKey: `uploads/tomb-${counter}/source` })).id;
};

const failedJob = async (fileId: string): Promise<Job> => {
  const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId });
  await jobs.markProcessing(job.id, { workerId: 'w1' });
  return (await jobs.markFailed(job.id, { code: 'ffmpeg_failed', message: 'exit 1' }))!;
};

/** The statements under test, told apart from other test files' by what their text contains. */
const DELETE_SQL = '%file_deleted%';
const JOB_SQL = '%FOR SHARE%';

/** Resolves once a statement like `pattern` waits for a row lock: it is blocked, not finished. */
async function waitsForALock(pattern: string): Promise<void> {
  for (;;) {
    const { rows } = await db.pool.query(
      "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1 AND pid <> pg_backend_pid()",
      [pattern],
    );
    if (rows.length > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `work` inside a transaction on a client of its own, which stays open until `commit()` is called. */
async function openTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<{ result: T; commit(): Promise<void> }> {
  const client = await db.pool.connect();
  await client.query('BEGIN');
  const result = await work(client);
  return {
    result,
    async commit() {
      await client.query('COMMIT');
      client.release();
    },
  };
}

describe('FilesRepository.markDeleted (tombstones)', () => {
  it('when a file is deleted, then it is not found any more, its jobs and their events stay, and each job records who deleted it', async () => {
    const fileId = await newFileId('alice');
    const job = await failedJob(fileId);
    const deleted = await files.markDeleted(fileId, { by: 'alice' });
    expect(deleted).toMatchObject({ id: fileId, owner: 'alice' });
    expect(await files.findById(fileId)).toBeNull();
    expect(await files.findDeletedById(fileId)).toMatchObject({ id: fileId, owner: 'alice' });
    expect(await jobs.findById(job.id)).toMatchObject({ status: 'failed', fileId });
    expect((await events.listForJob(job.id)).map((e) => [e.kind, e.data])).toEqual([
      ['queued', { reason: 'created', attempt: 0 }],
      ['processing', { workerId: 'w1', from: 'queued', attempt: 1 }],
      ['failed', { code: 'ffmpeg_failed', message: 'exit 1', from: 'processing', attempt: 1 }],
      ['file_deleted', { by: 'alice' }],
    ]);
  });

  it('when a file is deleted twice or never existed, then only the first delete wins', async () => {
    const fileId = await newFileId();
    const both = await Promise.all([files.markDeleted(fileId, { by: ADMIN_OWNER }), files.markDeleted(fileId, { by: ADMIN_OWNER })]);
    expect(both.filter((f) => f !== null)).toHaveLength(1);
    expect(await files.markDeleted(fileId, { by: ADMIN_OWNER })).toBeNull();
    expect(await files.markDeleted('nosuchfile', { by: ADMIN_OWNER })).toBeNull();
    expect(await files.findDeletedById(await newFileId())).toBeNull();
  });

  it('when a job is created or retried for a deleted file, then it is refused', async () => {
    const fileId = await newFileId();
    const failed = await failedJob(fileId);
    await files.markDeleted(fileId, { by: ADMIN_OWNER });
    await expect(jobs.create({ owner: ADMIN_OWNER, fileId })).rejects.toBeInstanceOf(UnknownFileError);
    expect(await jobs.requeue(failed.id, { from: 'retry', reason: 'retry' })).toBeNull();
    expect(await jobs.findActiveByFileId(fileId)).toBeNull();
  });

  it('when jobs are listed, then the jobs of deleted files are left out', async () => {
    const kept = await newFileId('lister');
    const gone = await newFileId('lister');
    const keptJob = (await jobs.create({ owner: 'lister', fileId: kept })).job;
    await jobs.create({ owner: 'lister', fileId: gone });
    await files.markDeleted(gone, { by: 'lister' });
    expect((await jobs.list({ owner: 'lister' })).items.map((j) => j.id)).toEqual([keptJob.id]);
  });
});

describe('a delete racing a new or retried job', () => {
  it('when a job insert holds the file when the delete comes, then the delete waits, so it sees the job it must cancel', async () => {
    const fileId = await newFileId();
    const insert = await openTransaction((client) => new JobsRepository(client).create({ owner: ADMIN_OWNER, fileId }));
    const deleting = files.markDeleted(fileId, { by: ADMIN_OWNER });
    await waitsForALock(DELETE_SQL);
    await insert.commit();
    expect(await deleting).toMatchObject({ id: fileId });
    expect(await jobs.findActiveByFileId(fileId)).toMatchObject({ id: insert.result.job.id, status: 'queued' });
  });

  it('when the delete holds the file when a job insert comes, then the insert waits and is refused', async () => {
    const fileId = await newFileId();
    const deletion = await openTransaction((client) => new FilesRepository(client).markDeleted(fileId, { by: ADMIN_OWNER }));
    const creating = jobs.create({ owner: ADMIN_OWNER, fileId });
    const outcome = creating.then(
      () => 'created',
      (err: unknown) => err,
    );
    await waitsForALock(JOB_SQL);
    await deletion.commit();
    expect(await outcome).toBeInstanceOf(UnknownFileError);
    expect(await jobs.findActiveByFileId(fileId)).toBeNull();
  });

  it('when the delete holds the file when a retry comes, then the retry waits and is refused', async () => {
    const fileId = await newFileId();
    const failed = await failedJob(fileId);
    const deletion = await openTransaction((client) => new FilesRepository(client).markDeleted(fileId, { by: ADMIN_OWNER }));
    const retrying = jobs.requeue(failed.id, { from: 'retry', reason: 'retry' });
    await waitsForALock(JOB_SQL);
    await deletion.commit();
    expect(await retrying).toBeNull();
    expect(await jobs.findById(failed.id)).toMatchObject({ status: 'failed' });
  });

  it('when a retry holds the job and the file when the delete comes, then the delete waits (no deadlock) and sees the queued job', async () => {
    const fileId = await newFileId();
    const failed = await failedJob(fileId);
    const retry = await openTransaction((client) => new JobsRepository(client).requeue(failed.id, { from: 'retry', reason: 'retry' }));
    const deleting = files.markDeleted(fileId, { by: ADMIN_OWNER });
    await waitsForALock(DELETE_SQL);
    await retry.commit();
    expect(await deleting).toMatchObject({ id: fileId });
    expect(await jobs.findActiveByFileId(fileId)).toMatchObject({ id: failed.id, status: 'queued' });
    expect((await events.listForJob(failed.id)).map((e) => e.kind).slice(-2)).toEqual(['queued', 'file_deleted']);
  });
});
