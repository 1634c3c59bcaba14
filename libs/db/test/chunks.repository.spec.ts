import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_OWNER, ChunksRepository, FilesRepository, JobsRepository, type Job, type PlannedChunk } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
let files: FilesRepository;
let jobs: JobsRepository;
let chunks: ChunksRepository;
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'test_chunks' });
  files = new FilesRepository(db.pool);
  jobs = new JobsRepository(db.pool);
  chunks = new ChunksRepository(db.pool);
});

afterAll(async () => {
  await db.drop();
});

/** A job processing its first attempt on worker w1. */
const runningJob = async (): Promise<Job> => {
  counter += 1;
  const file = await files.insert({ owner: ADMIN_OWNER, originalName: 'clip.mp4', sizeBytes: 10, storageKey: `uploads/chunks-${counter}/clip.mp4` });
  const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: file.id });
  return (await jobs.markProcessing(job.id, { workerId: 'w1' }))!;
};

const planned = (fingerprint = 'f'): PlannedChunk[] => [
  { kind: 'audio', index: 0, startS: 0, durationS: 8, firstSegment: 0, fingerprint: `${fingerprint}-a` },
  { kind: 'video', index: 0, startS: 0, durationS: 4, firstSegment: 0, fingerprint: `${fingerprint}-0` },
  { kind: 'video', index: 1, startS: 4, durationS: 4, firstSegment: 2, fingerprint: `${fingerprint}-1` },
];
const segments = { '360p': [{ uri: 'seg_a1_00000.ts', durationS: 2, bytes: 100 }] };
const labels = (rows: { kind: string; index: number; attempt: number; state: string }[]) => rows.map((r) => `${r.kind}${r.index}@${r.attempt}:${r.state}`);

describe('ChunksRepository', () => {
  it('when an attempt is planned, then every part is queued for it, video first in order, then the audio', async () => {
    const job = await runningJob();
    expect(labels(await chunks.planAttempt(job.id, 1, planned()))).toEqual(['video0@1:queued', 'video1@1:queued', 'audio0@1:queued']);
  });

  it('when a part is claimed, written and completed by its worker, then another worker cannot write it, and a finished part cannot be claimed', async () => {
    const job = await runningJob();
    await chunks.planAttempt(job.id, 1, planned());
    const key = { jobId: job.id, kind: 'video' as const, index: 0 };
    expect(await chunks.claim(key, { attempt: 1, workerId: 'w2' })).toMatchObject({ state: 'processing', workerId: 'w2', runs: 1 });
    expect(await chunks.recordProgress(key, { workerId: 'w3', progress: 0.5, segments })).toBeNull();
    expect(await chunks.recordProgress(key, { workerId: 'w2', progress: 0.5, segments })).toMatchObject({ progress: 0.5, segments });
    // BullMQ gave the stalled part to w3: it runs again, keeping what the first run recorded.
    expect(await chunks.claim(key, { attempt: 1, workerId: 'w3' })).toMatchObject({ workerId: 'w3', runs: 2, segments });
    expect(await chunks.complete(key, { workerId: 'w2', segments, thumbnails: 0 })).toBeNull();
    expect(await chunks.complete(key, { workerId: 'w3', segments, thumbnails: 2 })).toMatchObject({ state: 'completed', progress: 1, thumbnails: 2 });
    expect(await chunks.claim(key, { attempt: 1, workerId: 'w4' })).toBeNull();
  });

  it('when the job is no longer running the part\'s attempt, then the part cannot be claimed', async () => {
    const job = await runningJob();
    await chunks.planAttempt(job.id, 1, planned());
    const key = { jobId: job.id, kind: 'video' as const, index: 1 };
    expect(await chunks.claim(key, { attempt: 2, workerId: 'w2' })).toBeNull();
    await jobs.markCancelled(job.id);
    expect(await chunks.claim(key, { attempt: 1, workerId: 'w2' })).toBeNull();
  });

  it('when a later attempt plans the same parts, then finished parts stay with their attempt and the rest are queued anew; a changed plan keeps nothing', async () => {
    const job = await runningJob();
    await chunks.planAttempt(job.id, 1, planned());
    const key = { jobId: job.id, kind: 'video' as const, index: 0 };
    await chunks.claim(key, { attempt: 1, workerId: 'w1' });
    await chunks.complete(key, { workerId: 'w1', segments, thumbnails: 0 });
    await chunks.claim({ jobId: job.id, kind: 'video', index: 1 }, { attempt: 1, workerId: 'w1' });

    await jobs.markFailed(job.id, { code: 'ffmpeg_failed', message: 'exit 1' });
    await jobs.requeue(job.id, { from: 'retry', reason: 'test' });
    await jobs.markProcessing(job.id, { workerId: 'w1' });
    expect(labels(await chunks.planAttempt(job.id, 2, planned()))).toEqual(['video0@1:completed', 'video1@2:queued', 'audio0@2:queued']);
    expect(labels(await chunks.planAttempt(job.id, 2, planned('other')))).toEqual(['video0@2:queued', 'video1@2:queued', 'audio0@2:queued']);
  });

  it('when the plan is recorded, then part workers read it only for the running attempt', async () => {
    const job = await runningJob();
    expect(await chunks.recordPlan(job.id, 1, { ladder: 'x' })).toBe(true);
    expect(await chunks.readPlan(job.id, 1)).toEqual({ ladder: 'x' });
    expect(await chunks.readPlan(job.id, 2)).toBeNull();
    expect(await chunks.recordPlan(job.id, 2, {})).toBe(false);
  });

  it('when two writers publish one job at once, then the publish lock makes them take turns', async () => {
    const job = await runningJob();
    const order: string[] = [];
    let entered!: () => void;
    const firstIn = new Promise<void>((resolve) => (entered = resolve));
    const slow = ChunksRepository.underPublishLock(db.pool, job.id, async () => {
      order.push('first in');
      entered();
      // However long the second writer takes to ask, it must wait for this one to leave.
      await new Promise((r) => setTimeout(r, 200));
      order.push('first out');
    });
    await firstIn;
    const second = ChunksRepository.underPublishLock(db.pool, job.id, async () => {
      order.push('second in');
    });
    await Promise.all([slow, second]);
    expect(order).toEqual(['first in', 'first out', 'second in']);
  });
});
