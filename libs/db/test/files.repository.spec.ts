import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_OWNER, FilesRepository, JobEventsRepository, JobsRepository, type NewFile } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
let files: FilesRepository;
let jobs: JobsRepository;
let events: JobEventsRepository;
let counter = 0;

const newFile = (extra: Partial<NewFile> = {}): NewFile => {
  counter += 1;
  return { originalName: `clip ${counter}.mp4`, mime: 'video/mp4', sizeBytes: 1234, storageKey: `uploads/f${counter}/clip.mp4`, owner: ADMIN_OWNER, ...extra };
};

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'test_files' });
  files = new FilesRepository(db.pool);
  jobs = new JobsRepository(db.pool);
  events = new JobEventsRepository(db.pool);
});

afterAll(async () => {
  await db.drop();
});

describe('FilesRepository', () => {
  it('when a file is inserted, then it comes back camelCased with a cuid2 id and Dates', async () => {
    const inserted = await files.insert(newFile({ sizeBytes: 6_000_000_000, sha256: 'ab'.repeat(32), owner: 'alice' }));
    expect(inserted.id).toMatch(/^[a-z0-9]{20,32}$/);
    expect(inserted).toMatchObject({ mime: 'video/mp4', sizeBytes: 6_000_000_000, owner: 'alice', durationS: null, width: null });
    expect(inserted.createdAt).toBeInstanceOf(Date);
    expect(await files.findById(inserted.id)).toEqual(inserted);
  });

  it('when an id is given, then it is used', async () => {
    const inserted = await files.insert(newFile({ id: 'fixedfileid0001' }));
    expect(inserted.id).toBe('fixedfileid0001');
  });

  it('when the file does not exist, then findById returns null', async () => {
    expect(await files.findById('nope')).toBeNull();
  });

  it('when a storage key is reused, then the insert is rejected', async () => {
    await files.insert(newFile({ storageKey: 'uploads/same/key.mp4' }));
    await expect(files.insert(newFile({ storageKey: 'uploads/same/key.mp4' }))).rejects.toMatchObject({ code: '23505' });
  });

  it('when a file is deleted, then its jobs and their events go with it', async () => {
    const file = await files.insert(newFile());
    const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: file.id });
    await events.append(job.id, 'note', { by: 'test' });
    expect(await files.delete(file.id)).toBe(true);
    expect(await jobs.findById(job.id)).toBeNull();
    expect(await events.listForJob(job.id)).toEqual([]);
    expect(await files.delete(file.id)).toBe(false);
  });
});

describe('JobEventsRepository', () => {
  it('when events are appended, then they are listed oldest first with their data', async () => {
    const file = await files.insert(newFile());
    const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: file.id });
    const appended = await events.append(job.id, 'webhook', { status: 200 });
    await events.append(job.id, 'note');
    const listed = await events.listForJob(job.id);
    expect(listed.map((e) => [e.kind, e.data])).toEqual([
      ['queued', { reason: 'created', attempt: 0 }],
      ['webhook', { status: 200 }],
      ['note', {}],
    ]);
    expect(listed[1]).toEqual(appended);
    expect(typeof appended.id).toBe('number');
    expect(appended.at).toBeInstanceOf(Date);
  });

  it('when someone updates or deletes an event row directly, then the database refuses', async () => {
    const file = await files.insert(newFile());
    const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: file.id });
    await expect(db.pool.query(`UPDATE job_events SET kind = 'forged' WHERE job_id = $1`, [job.id])).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM job_events WHERE job_id = $1', [job.id])).rejects.toThrow(/append-only/);
    expect(await events.listForJob(job.id)).toHaveLength(1);
  });

  it('when the job itself is deleted, then its events are removed by the cascade', async () => {
    const file = await files.insert(newFile());
    const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: file.id });
    await db.pool.query('DELETE FROM transcoding_jobs WHERE id = $1', [job.id]);
    expect(await events.listForJob(job.id)).toEqual([]);
  });
});
