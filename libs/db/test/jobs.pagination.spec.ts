import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_OWNER, FilesRepository, InvalidCursorError, JobsRepository, type Job, type JobPage, type ListJobsOptions } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
let jobs: JobsRepository;
/** All 25 jobs, newest first by (created_at, id) as the database orders them. */
let expectedOrder: string[];

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'test_pages' });
  jobs = new JobsRepository(db.pool);
  const files = new FilesRepository(db.pool);
  const createFor = async (repoFiles: FilesRepository, repoJobs: JobsRepository, i: number): Promise<Job> => {
    const file = await repoFiles.insert({ owner: ADMIN_OWNER, originalName: `${i}.mp4`, sizeBytes: 1, storageKey: `uploads/page-${i}/v.mp4` });
    return (await repoJobs.create({ fileId: file.id, owner: i % 2 === 0 ? 'even' : 'odd' })).job;
  };
  for (let i = 0; i < 15; i += 1) await createFor(files, jobs, i);
  // Ten jobs in one transaction share created_at (now() is the transaction start), so the id must break ties.
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    for (let i = 15; i < 25; i += 1) await createFor(new FilesRepository(client), new JobsRepository(client), i);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM transcoding_jobs ORDER BY created_at DESC, id DESC');
  expectedOrder = rows.map((r) => r.id);
  const cancelled = rows.filter((_, i) => i % 3 === 0).map((r) => r.id);
  for (const id of cancelled) await jobs.markCancelled(id);
});

afterAll(async () => {
  await db.drop();
});

const collect = async (options: Omit<ListJobsOptions, 'cursor'>): Promise<{ pages: JobPage[]; ids: string[] }> => {
  const pages: JobPage[] = [];
  let cursor: string | undefined;
  do {
    const page = await jobs.list({ ...options, cursor });
    pages.push(page);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && pages.length < 20);
  return { pages, ids: pages.flatMap((p) => p.items.map((j) => j.id)) };
};

describe('JobsRepository.list', () => {
  it('when 25 jobs are paged by 10, then pages hold 10, 10 and 5 with no duplicates or gaps', async () => {
    const { pages, ids } = await collect({ limit: 10 });
    expect(pages.map((p) => p.items.length)).toEqual([10, 10, 5]);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    expect(ids).toEqual(expectedOrder);
    expect(new Set(ids).size).toBe(25);
  });

  it('when ties on created_at span a page boundary, then paging by 3 still visits every job once in order', async () => {
    const { ids } = await collect({ limit: 3 });
    expect(ids).toEqual(expectedOrder);
  });

  it('when filtered by status, then every page holds only that status and the union is complete', async () => {
    const { ids, pages } = await collect({ status: 'cancelled', limit: 4 });
    const all = await Promise.all(expectedOrder.map((id) => jobs.findById(id)));
    expect(ids).toEqual(all.filter((j) => j!.status === 'cancelled').map((j) => j!.id));
    expect(pages.flatMap((p) => p.items).every((j) => j.status === 'cancelled')).toBe(true);
  });

  it('when filtered by owner, then only their jobs are listed', async () => {
    const { ids } = await collect({ owner: 'even', limit: 5 });
    expect(ids).toHaveLength(13);
    const owners = await Promise.all(ids.map(async (id) => (await jobs.findById(id))!.owner));
    expect(new Set(owners)).toEqual(new Set(['even']));
  });

  it('when the last page is exactly full, then it has no next cursor', async () => {
    const page = await jobs.list({ limit: 25 });
    expect(page.items).toHaveLength(25);
    expect(page.nextCursor).toBeNull();
  });

  it('when no limit is given, then 20 are returned', async () => {
    expect((await jobs.list()).items).toHaveLength(20);
  });

  it('when the limit is out of range, then it is refused', async () => {
    await expect(jobs.list({ limit: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(jobs.list({ limit: 101 })).rejects.toBeInstanceOf(RangeError);
  });

  it.each([
    ['garbage', 'not*base64!'],
    ['empty JSON', Buffer.from('{}').toString('base64url')],
    ['wrong types', Buffer.from('{"t":12,"i":"x"}').toString('base64url')],
    ['extra field', Buffer.from('{"t":"1","i":"x","admin":true}').toString('base64url')],
    ['not JSON', Buffer.from('hello').toString('base64url')],
  ])('when the cursor is %s, then InvalidCursorError with code invalid_cursor is thrown', async (_label, cursor) => {
    await expect(jobs.list({ cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(jobs.list({ cursor })).rejects.toMatchObject({ code: 'invalid_cursor' });
  });

  it('when a real cursor is truncated or its structure edited, then it is refused', async () => {
    const { nextCursor } = await jobs.list({ limit: 10 });
    expect(nextCursor).not.toBeNull();
    await expect(jobs.list({ cursor: nextCursor!.slice(0, -3) })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(jobs.list({ cursor: `${nextCursor!}=` })).rejects.toBeInstanceOf(InvalidCursorError);
    const flipped = nextCursor!.slice(0, 2) + (nextCursor![2] === 'A' ? 'B' : 'A') + nextCursor!.slice(3);
    await expect(jobs.list({ cursor: flipped })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
