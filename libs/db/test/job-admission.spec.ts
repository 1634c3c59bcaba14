import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FilesRepository, JobAdmission, JobsRepository, type AdmittedCreate } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
let files: FilesRepository;
let jobs: JobsRepository;
let admission: JobAdmission;
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'test_admission' });
  files = new FilesRepository(db.pool);
  jobs = new JobsRepository(db.pool);
  admission = new JobAdmission(db.pool);
});

afterAll(async () => {
  await db.drop();
});

const newFileId = async (owner: string): Promise<string> => {
  counter += 1;
  return (await files.insert({ owner, originalName: 'clip.mp4', sizeBytes: 10, storageKey: `uploads/admission-${counter}/source` })).id;
};

describe('JobAdmission', () => {
  it('when one owner submits many jobs at once, then exactly the limit is queued and the rest are refused', async () => {
    const fileIds = await Promise.all(Array.from({ length: 24 }, () => newFileId('burst')));
    const outcomes = await Promise.all(fileIds.map((fileId) => admission.create({ owner: 'burst', fileId }, { maxQueued: 5 })));
    const created = outcomes.filter((o): o is Extract<AdmittedCreate, { created: true }> => o.created);
    expect(created).toHaveLength(5);
    expect(outcomes.filter((o) => !o.created && o.reason === 'owner_quota')).toHaveLength(19);
    expect(await jobs.countQueued('burst')).toBe(5);
    // Ranks come from the count under the lock: each place taken once.
    expect(created.map((o) => o.rank).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
  });

  it("when one owner is at its limit, then another owner's job is queued at rank 1 and an unlimited caller still gets in", async () => {
    const full = 'full-owner';
    for (let i = 0; i < 2; i += 1) await admission.create({ owner: full, fileId: await newFileId(full) }, { maxQueued: 2 });
    const refused = await admission.create({ owner: full, fileId: await newFileId(full) }, { maxQueued: 2 });
    expect(refused).toMatchObject({ created: false, reason: 'owner_quota', queued: 2 });
    expect(await admission.create({ owner: 'light', fileId: await newFileId('light') }, { maxQueued: 2 })).toMatchObject({ created: true, rank: 1 });
    expect(await admission.create({ owner: full, fileId: await newFileId(full) }, null)).toMatchObject({ created: true, rank: 3 });
  });

  it('when a repeated request would add no job, then it gets the existing job even at the limit', async () => {
    const owner = 'repeat-owner';
    const fileId = await newFileId(owner);
    const first = await admission.create({ owner, fileId, idempotencyKey: 'k1' }, { maxQueued: 1 });
    expect(first.created).toBe(true);
    expect(await admission.create({ owner, fileId, idempotencyKey: 'k1' }, { maxQueued: 1 })).toMatchObject({ created: false, reason: 'idempotency_key', job: { id: first.job!.id } });
    expect(await admission.create({ owner, fileId }, { maxQueued: 1 })).toMatchObject({ created: false, reason: 'active_job', job: { id: first.job!.id } });
  });

  it("when a job runs or finishes, then it leaves its owner's queue: later jobs move up in rank and retries count against the limit", async () => {
    const owner = 'rank-owner';
    const a = await admission.create({ owner, fileId: await newFileId(owner) }, null);
    const b = await admission.create({ owner, fileId: await newFileId(owner) }, null);
    expect(await jobs.queuedRank(b.job!.id)).toBe(2);
    await jobs.markProcessing(a.job!.id, { workerId: 'w1' });
    expect(await jobs.queuedRank(b.job!.id)).toBe(1);
    await jobs.markFailed(a.job!.id, { code: 'ffmpeg_failed', message: 'boom', workerId: 'w1' });

    expect(await admission.retry(a.job!, { maxQueued: 1 })).toMatchObject({ job: null, reason: 'owner_quota', queued: 1 });
    const retried = await admission.retry(a.job!, { maxQueued: 2 });
    expect(retried).toMatchObject({ job: { id: a.job!.id, status: 'queued' }, rank: 2 });
    expect(await admission.retry(a.job!, null)).toBeNull();
  });

  it('when the statement under the lock fails, then the lock is released for the next submit', async () => {
    const owner = 'failing-owner';
    await expect(admission.create({ owner, fileId: 'no-such-file' }, { maxQueued: 5 })).rejects.toMatchObject({ code: 'file_not_found' });
    expect(await admission.create({ owner, fileId: await newFileId(owner) }, { maxQueued: 5 })).toMatchObject({ created: true, rank: 1 });
  });

  it("when workers claim one owner's jobs at once, then no more than the running limit are claimed and the rest are told the owner is busy", async () => {
    const owner = 'claim-owner';
    const queued = [];
    for (let i = 0; i < 6; i += 1) queued.push((await admission.create({ owner, fileId: await newFileId(owner) }, null)).job!);
    const claims = await Promise.all(queued.map((job, i) => admission.claim(job.id, { workerId: `w${i}`, maxRunning: 2 })));
    expect(claims.filter((c) => c !== null && !('reason' in c))).toHaveLength(2);
    expect(claims.filter((c) => c !== null && 'reason' in c)).toEqual(Array.from({ length: 4 }, () => ({ job: null, reason: 'owner_busy', running: 2 })));
    expect(await jobs.countProcessing(owner)).toBe(2);

    // Another owner is not held back by this one.
    const other = (await admission.create({ owner: 'claim-other', fileId: await newFileId('claim-other') }, null)).job!;
    expect(await admission.claim(other.id, { workerId: 'w9', maxRunning: 2 })).toMatchObject({ id: other.id, status: 'processing' });

    // A stalled job re-picked by another worker is already one of the running ones: not refused because of itself.
    const running = claims.find((c) => c !== null && !('reason' in c)) as { id: string };
    expect(await admission.claim(running.id, { workerId: 'w-again', maxRunning: 2 })).toMatchObject({ id: running.id, workerId: 'w-again' });
    expect(await admission.claim('no-such-job', { workerId: 'w', maxRunning: 2 })).toBeNull();
  });
});
