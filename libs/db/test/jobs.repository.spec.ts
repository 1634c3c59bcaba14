import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_OWNER,
  ActiveJobExistsError,
  FilesRepository,
  JobEventsRepository,
  JobsRepository,
  UnknownFileError,
  type Job,
  type JobStatus,
} from '../src/index.js';
import { createTestDatabase, renditionRecord, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
let files: FilesRepository;
let jobs: JobsRepository;
let events: JobEventsRepository;
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'test_jobs' });
  files = new FilesRepository(db.pool);
  jobs = new JobsRepository(db.pool);
  events = new JobEventsRepository(db.pool);
});

afterAll(async () => {
  await db.drop();
});

const newFileId = async (): Promise<string> => {
  counter += 1;
  const file = await files.insert({ owner: ADMIN_OWNER, originalName: 'clip.mp4', sizeBytes: 10, storageKey: `uploads/jobs-${counter}/clip.mp4` });
  return file.id;
};

const newJob = async (): Promise<Job> => {
  const result = await jobs.create({ owner: ADMIN_OWNER, fileId: await newFileId() });
  return result.job;
};

const renditions = [renditionRecord('720p')];

/** A job that reached `status` the regular way. */
const jobIn = async (status: JobStatus): Promise<Job> => {
  const job = await newJob();
  if (status === 'queued') return job;
  if (status === 'cancelled') return (await jobs.markCancelled(job.id))!;
  await jobs.markProcessing(job.id, { workerId: 'w1' });
  if (status === 'completed') return (await jobs.markCompleted(job.id, { renditions, outputPrefix: `hls/${job.fileId}` }))!;
  if (status === 'failed') return (await jobs.markFailed(job.id, { code: 'ffmpeg_failed', message: 'exit 1' }))!;
  return (await jobs.findById(job.id))!;
};

const kinds = async (jobId: string): Promise<string[]> => (await events.listForJob(jobId)).map((e) => e.kind);

describe('JobsRepository.create', () => {
  it('when a job is created, then it is queued with defaults and a queued event', async () => {
    const fileId = await newFileId();
    const result = await jobs.create({
      fileId,
      ladder: { rungs: [{ height: 720 }, { height: 360 }] },
      priority: 5,
      webhookUrl: 'https://hooks.example.com/x',
      owner: 'alice',
    });
    expect(result.created).toBe(true);
    expect(result.job).toMatchObject({
      fileId,
      status: 'queued',
      progress: 0,
      stage: 'queued',
      attempts: 0,
      renditions: [],
      ladder: { rungs: [{ height: 720 }, { height: 360 }] },
      priority: 5,
      webhookUrl: 'https://hooks.example.com/x',
      owner: 'alice',
      errorCode: null,
      startedAt: null,
      finishedAt: null,
    });
    expect(result.job.queuedAt).toBeInstanceOf(Date);
    expect(await events.listForJob(result.job.id)).toEqual([
      expect.objectContaining({ kind: 'queued', data: { reason: 'created', attempt: 0 } }),
    ]);
  });

  it('when a file already has an active job, then that job is returned and no row is added', async () => {
    const first = await newJob();
    const second = await jobs.create({ owner: ADMIN_OWNER, fileId: first.fileId });
    expect(second).toEqual({ created: false, reason: 'active_job', job: first });
  });

  it('when 10 submits for one file race, then exactly one job exists and all of them get it', async () => {
    const fileId = await newFileId();
    const results = await Promise.all(Array.from({ length: 10 }, () => jobs.create({ owner: ADMIN_OWNER, fileId })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    const { rows } = await db.pool.query('SELECT id FROM transcoding_jobs WHERE file_id = $1', [fileId]);
    expect(rows).toHaveLength(1);
  });

  it('when the previous job of a file finished, then a new one can be created', async () => {
    const done = await jobIn('completed');
    const again = await jobs.create({ owner: ADMIN_OWNER, fileId: done.fileId });
    expect(again.created).toBe(true);
    expect(again.job.id).not.toBe(done.id);
    expect((await jobs.findLatestByFileId(done.fileId))!.id).toBe(again.job.id);
  });

  it('when an idempotency key is reused by the same owner, then the original job is returned even after it finished', async () => {
    const fileId = await newFileId();
    const first = await jobs.create({ fileId, owner: 'bob', idempotencyKey: 'req-1' });
    await jobs.markCancelled(first.job.id);
    const replay = await jobs.create({ fileId, owner: 'bob', idempotencyKey: 'req-1' });
    expect(replay).toMatchObject({ created: false, reason: 'idempotency_key', job: { id: first.job.id, status: 'cancelled' } });
    expect(await jobs.findByIdempotencyKey('bob', 'req-1')).toMatchObject({ id: first.job.id });
  });

  it('when two owners use the same idempotency key, then they do not collide', async () => {
    const a = await jobs.create({ fileId: await newFileId(), owner: 'carol', idempotencyKey: 'same' });
    const b = await jobs.create({ fileId: await newFileId(), owner: 'dave', idempotencyKey: 'same' });
    expect([a.created, b.created]).toEqual([true, true]);
  });

  it('when administrator jobs reuse a key concurrently, then one job is created', async () => {
    const fileIds = await Promise.all(Array.from({ length: 5 }, () => newFileId()));
    const results = await Promise.all(fileIds.map((fileId) => jobs.create({ owner: ADMIN_OWNER, fileId, idempotencyKey: 'anon-key' })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    expect(await jobs.findByIdempotencyKey(ADMIN_OWNER, 'anon-key')).toMatchObject({ id: results[0]!.job.id });
  });

  it('when the file does not exist, then UnknownFileError is thrown', async () => {
    await expect(jobs.create({ owner: ADMIN_OWNER, fileId: 'missing-file' })).rejects.toBeInstanceOf(UnknownFileError);
    await expect(jobs.create({ owner: ADMIN_OWNER, fileId: 'missing-file' })).rejects.toMatchObject({ code: 'file_not_found' });
  });
});

type Move = (job: Job) => Promise<Job | null>;
const moves: Record<string, { run: Move; acceptedFrom: JobStatus[] }> = {
  markProcessing: { run: (j) => jobs.markProcessing(j.id, { workerId: 'w2' }), acceptedFrom: ['queued', 'processing'] },
  updateProgress: { run: (j) => jobs.updateProgress(j.id, { progress: 42, stage: 'encoding' }), acceptedFrom: ['processing'] },
  markCompleted: {
    run: (j) => jobs.markCompleted(j.id, { renditions, outputPrefix: `hls/${j.fileId}` }),
    acceptedFrom: ['processing'],
  },
  markFailed: { run: (j) => jobs.markFailed(j.id, { code: 'boom', message: 'boom' }), acceptedFrom: ['processing'] },
  markImportFailed: { run: (j) => jobs.markImportFailed(j.id, { code: 'import_failed', message: 'HTTP 404' }), acceptedFrom: ['queued'] },
  markImportDone: { run: (j) => jobs.markImportDone(j.id), acceptedFrom: ['queued'] },
  markCancelled: { run: (j) => jobs.markCancelled(j.id), acceptedFrom: ['queued', 'processing'] },
  requeue: { run: (j) => jobs.requeue(j.id, { from: 'retry', reason: 'retry' }), acceptedFrom: ['failed', 'cancelled'] },
  requeueLost: { run: (j) => jobs.requeue(j.id, { from: 'lost', reason: 'lost' }), acceptedFrom: ['queued', 'processing'] },
  releaseToQueued: { run: (j) => jobs.releaseToQueued(j.id), acceptedFrom: ['processing'] },
};
const STATUSES: JobStatus[] = ['queued', 'processing', 'completed', 'failed', 'cancelled'];
const cases = Object.entries(moves).flatMap(([name, move]) =>
  STATUSES.map((status) => [name, status, move.acceptedFrom.includes(status)] as const),
);

describe('JobsRepository guarded transitions', () => {
  it.each(cases)('when %s is applied to a %s job, then accepted = %s', async (name, status, accepted) => {
    const job = await jobIn(status);
    const eventsBefore = await kinds(job.id);
    const result = await moves[name]!.run(job);
    if (accepted) {
      expect(result).not.toBeNull();
      expect(result!.updatedAt.getTime()).toBeGreaterThanOrEqual(job.updatedAt.getTime());
    } else {
      expect(result).toBeNull();
      expect(await jobs.findById(job.id)).toEqual(job);
      expect(await kinds(job.id)).toEqual(eventsBefore);
    }
  });
});

describe('JobsRepository.markProcessing', () => {
  it('when a queued job is picked, then a first attempt starts with stage probing', async () => {
    const job = await newJob();
    const picked = await jobs.markProcessing(job.id, { workerId: 'worker-a' });
    expect(picked).toMatchObject({ status: 'processing', attempts: 1, stage: 'probing', progress: 0, workerId: 'worker-a' });
    expect(picked!.startedAt).toBeInstanceOf(Date);
    const last = (await events.listForJob(job.id)).at(-1);
    expect(last).toMatchObject({ kind: 'processing', data: { from: 'queued', attempt: 1, workerId: 'worker-a' } });
  });

  it('when a stalled job is re-picked by another worker, then attempts grows and progress restarts', async () => {
    const job = await newJob();
    await jobs.markProcessing(job.id, { workerId: 'worker-a' });
    await jobs.updateProgress(job.id, { progress: 60, stage: 'encoding' });
    const repicked = await jobs.markProcessing(job.id, { workerId: 'worker-b' });
    expect(repicked).toMatchObject({ status: 'processing', attempts: 2, workerId: 'worker-b', progress: 0, stage: 'probing' });
  });
});

describe('JobsRepository.updateProgress', () => {
  it('when progress is reported, then it is stored as reported and a sample without a stage keeps the stage', async () => {
    const job = await jobIn('processing');
    await jobs.updateProgress(job.id, { progress: 50, stage: 'encoding' });
    expect(await jobs.updateProgress(job.id, { progress: 51.5 })).toMatchObject({ progress: 51.5, stage: 'encoding' });
  });

  it('when 100 is reported while processing, then it is held just below 100', async () => {
    const job = await jobIn('processing');
    const updated = await jobs.updateProgress(job.id, { progress: 100 });
    expect(updated!.progress).toBeCloseTo(99.9, 3);
    expect(updated!.progress).toBeLessThan(100);
  });

  it('when the stage changes, then one stage event is recorded; plain progress records none', async () => {
    const job = await jobIn('processing');
    await jobs.updateProgress(job.id, { progress: 1, stage: 'encoding' });
    await jobs.updateProgress(job.id, { progress: 2, stage: 'encoding' });
    await jobs.updateProgress(job.id, { progress: 3 });
    await jobs.updateProgress(job.id, { progress: 90, stage: 'uploading' });
    const recorded = (await events.listForJob(job.id)).filter((e) => e.kind === 'stage');
    expect(recorded.map((e) => e.data)).toEqual([
      { from: 'probing', to: 'encoding' },
      { from: 'encoding', to: 'uploading' },
    ]);
  });

  it('when progress arrives after completion, then nothing changes', async () => {
    const job = await jobIn('completed');
    expect(await jobs.updateProgress(job.id, { progress: 10, stage: 'encoding' })).toBeNull();
    expect(await jobs.findById(job.id)).toEqual(job);
  });

  it('when another worker owns the job, then its progress is refused', async () => {
    const job = await jobIn('processing');
    expect(await jobs.updateProgress(job.id, { progress: 10, workerId: 'someone-else' })).toBeNull();
    expect(await jobs.updateProgress(job.id, { progress: 10, workerId: 'w1' })).toMatchObject({ progress: 10 });
  });

  it('when progress is not a number, then it is a programming error', async () => {
    const job = await jobIn('processing');
    await expect(jobs.updateProgress(job.id, { progress: Number.NaN })).rejects.toBeInstanceOf(RangeError);
  });
});

describe('JobsRepository terminal transitions', () => {
  it('when a job completes, then progress is 100, stage done, renditions stored', async () => {
    const job = await jobIn('processing');
    const done = await jobs.markCompleted(job.id, { renditions, outputPrefix: 'hls/x' });
    expect(done).toMatchObject({ status: 'completed', progress: 100, stage: 'done', renditions, outputPrefix: 'hls/x' });
    expect(done!.finishedAt).toBeInstanceOf(Date);
  });

  it('when markCompleted is delivered twice, then the second is a no-op with no extra event', async () => {
    const job = await jobIn('processing');
    await jobs.markCompleted(job.id, { renditions, outputPrefix: 'hls/x' });
    const after = await jobs.findById(job.id);
    expect(await jobs.markCompleted(job.id, { renditions: [], outputPrefix: 'other' })).toBeNull();
    expect(await jobs.findById(job.id)).toEqual(after);
    expect((await kinds(job.id)).filter((k) => k === 'completed')).toHaveLength(1);
  });

  it('when 10 completions race, then exactly one wins', async () => {
    const job = await jobIn('processing');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => jobs.markCompleted(job.id, { renditions, outputPrefix: `hls/${i}` })),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect((await kinds(job.id)).filter((k) => k === 'completed')).toHaveLength(1);
  });

  it('when cancel and complete race, then exactly one of them wins and the row agrees with it', async () => {
    const job = await jobIn('processing');
    const [cancelled, completed] = await Promise.all([
      jobs.markCancelled(job.id),
      jobs.markCompleted(job.id, { renditions, outputPrefix: 'hls/x' }),
    ]);
    expect([cancelled, completed].filter((r) => r !== null)).toHaveLength(1);
    const winner = (cancelled ?? completed)!;
    expect(await jobs.findById(job.id)).toEqual(winner);
    expect((await kinds(job.id)).at(-1)).toBe(winner.status);
  });

  it('when a cancelled job is reported complete, then it stays cancelled', async () => {
    const job = await jobIn('processing');
    await jobs.markCancelled(job.id);
    expect(await jobs.markCompleted(job.id, { renditions, outputPrefix: 'hls/x' })).toBeNull();
    expect(await jobs.findById(job.id)).toMatchObject({ status: 'cancelled' });
  });

  it('when a job fails, then the error is kept with the stage it failed in', async () => {
    const job = await jobIn('processing');
    await jobs.updateProgress(job.id, { progress: 20, stage: 'encoding' });
    const failed = await jobs.markFailed(job.id, { code: 'ffmpeg_failed', message: 'exit code 1' });
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'ffmpeg_failed', errorMessage: 'exit code 1', stage: 'encoding' });
    expect((await events.listForJob(job.id)).at(-1)).toMatchObject({
      kind: 'failed',
      data: { from: 'processing', attempt: 1, code: 'ffmpeg_failed', message: 'exit code 1' },
    });
  });
});

describe('JobsRepository back to queued', () => {
  it('when a failed job is retried, then it is queued with a clean slate and keeps its attempt count', async () => {
    const failed = await jobIn('failed');
    const retried = await jobs.requeue(failed.id, { from: 'retry', reason: 'user retry' });
    expect(retried).toMatchObject({
      status: 'queued',
      progress: 0,
      stage: 'queued',
      errorCode: null,
      errorMessage: null,
      startedAt: null,
      finishedAt: null,
      workerId: null,
      attempts: 1,
      bullmqJobId: `${failed.id}.2`,
    });
    expect(retried!.queuedAt.getTime()).toBeGreaterThan(failed.queuedAt.getTime());
    expect((await events.listForJob(failed.id)).at(-1)).toMatchObject({ kind: 'queued', data: { from: 'failed', reason: 'user retry' } });
  });

  it('when another job of the file became active meanwhile, then the retry is refused with ActiveJobExistsError', async () => {
    const failed = await jobIn('failed');
    await jobs.create({ owner: ADMIN_OWNER, fileId: failed.fileId });
    await expect(jobs.requeue(failed.id, { from: 'retry', reason: 'retry' })).rejects.toBeInstanceOf(ActiveJobExistsError);
    expect(await jobs.findById(failed.id)).toMatchObject({ status: 'failed' });
  });

  it('when a worker releases its job, then it is queued again without losing the attempt count', async () => {
    const job = await jobIn('processing');
    expect(await jobs.releaseToQueued(job.id, { workerId: 'other' })).toBeNull();
    const released = await jobs.releaseToQueued(job.id, { workerId: 'w1', reason: 'shutdown' });
    expect(released).toMatchObject({ status: 'queued', workerId: null, attempts: 1, progress: 0 });
    expect((await events.listForJob(job.id)).at(-1)).toMatchObject({ kind: 'queued', data: { from: 'processing', reason: 'shutdown' } });
  });
});

describe('JobsRepository events and queries', () => {
  it('when a job goes through its whole life, then each transition left one event in order', async () => {
    const job = await newJob();
    await jobs.markProcessing(job.id, { workerId: 'w1' });
    await jobs.updateProgress(job.id, { progress: 10, stage: 'encoding' });
    await jobs.markFailed(job.id, { code: 'x', message: 'y' });
    await jobs.requeue(job.id, { from: 'retry', reason: 'retry' });
    await jobs.markProcessing(job.id, { workerId: 'w2' });
    await jobs.markCompleted(job.id, { renditions, outputPrefix: 'hls/z' });
    const trail = await events.listForJob(job.id);
    expect(trail.map((e) => [e.kind, e.data.from ?? null])).toEqual([
      ['queued', null],
      ['processing', 'queued'],
      ['stage', 'probing'],
      ['failed', 'processing'],
      ['queued', 'failed'],
      ['processing', 'queued'],
      ['completed', 'processing'],
    ]);
    expect(trail.at(-1)!.data).toMatchObject({ attempt: 2, renditions: 1, outputPrefix: 'hls/z' });
  });

  it('when listing active jobs page by page, then every queued and processing job comes once and finished ones never', async () => {
    const [queued, processing, completed] = await Promise.all([jobIn('queued'), jobIn('processing'), jobIn('completed')]);
    const seen: string[] = [];
    for (let page = await jobs.listActive({ limit: 1 }); page.length > 0; page = await jobs.listActive({ limit: 1, after: page[0]! })) {
      seen.push(page[0]!.id);
    }
    expect(seen).toEqual(expect.arrayContaining([queued.id, processing.id]));
    expect(seen).not.toContain(completed.id);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('when a job is created, retried or found lost, then the UPDATE that queues it names the BullMQ id, above every id and run it had', async () => {
    const job = await newJob();
    expect(job.bullmqJobId).toBe(`${job.id}.1`);
    // Cancelled before any run: its `.1` may still be in Redis, so the retry is `.2`.
    await jobs.markCancelled(job.id);
    expect(await jobs.requeue(job.id, { from: 'retry', reason: 'retry' })).toMatchObject({ bullmqJobId: `${job.id}.2`, attempts: 0 });
    // Three runs under `.2` (BullMQ retries, a stall): the next attempt comes above them.
    for (const workerId of ['a', 'b', 'c']) await jobs.markProcessing(job.id, { workerId });
    expect(await jobs.requeue(job.id, { from: 'lost', reason: 'lost' })).toMatchObject({ status: 'queued', bullmqJobId: `${job.id}.4`, attempts: 3 });
  });

  it('when a repository is given a bare query function, then it works the same', async () => {
    const viaFn = new JobsRepository((text, values) => db.pool.query(text, values));
    const job = await newJob();
    expect(await viaFn.findById(job.id)).toEqual(job);
  });
});

describe('JobsRepository playable', () => {
  it('when the running attempt publishes its master, then the job records it for its owner only, and a new attempt or release forgets it', async () => {
    const job = await jobIn('processing');
    expect(await jobs.markPlayable(job.id, { outputPrefix: 'hls/x/1', renditions, workerId: 'someone-else' })).toBeNull();
    const playable = await jobs.markPlayable(job.id, { outputPrefix: `hls/${job.fileId}/${job.id}/1`, renditions, workerId: 'w1' });
    expect(playable).toMatchObject({ status: 'processing', outputPrefix: `hls/${job.fileId}/${job.id}/1`, renditions, playableAt: expect.any(Date) });
    expect((await events.listForJob(job.id)).at(-1)).toMatchObject({ kind: 'playable', data: { outputPrefix: `hls/${job.fileId}/${job.id}/1`, attempt: 1 } });

    const rerun = await jobs.markProcessing(job.id, { workerId: 'w2' });
    expect(rerun).toMatchObject({ attempts: 2, playableAt: null, outputPrefix: null, renditions: [] });
    await jobs.markPlayable(job.id, { outputPrefix: 'hls/p/2', renditions, workerId: 'w2' });
    expect(await jobs.releaseToQueued(job.id, { workerId: 'w2' })).toMatchObject({ status: 'queued', playableAt: null, outputPrefix: null, renditions: [] });
    expect(await jobs.markPlayable(job.id, { outputPrefix: 'hls/p/2', renditions })).toBeNull();
  });

  it('when a job completes, then it is playable from then on unless it was earlier', async () => {
    const job = await jobIn('processing');
    const playable = (await jobs.markPlayable(job.id, { outputPrefix: 'hls/p/1', renditions, workerId: 'w1' }))!;
    const completed = (await jobs.markCompleted(job.id, { renditions, outputPrefix: 'hls/p/1', workerId: 'w1' }))!;
    expect(completed.playableAt).toEqual(playable.playableAt);
    expect((await jobIn('completed')).playableAt).toEqual(expect.any(Date));
  });

  it('when a file is re-transcoded, then the served job is the newest completed or playable one, never a queued, failed or cancelled one', async () => {
    const fileId = await newFileId();
    expect(await jobs.findLatestAndServedByFileId(fileId)).toBeNull();
    const servedId = async () => (await jobs.findLatestAndServedByFileId(fileId))?.served?.id;
    const first = (await jobs.create({ owner: ADMIN_OWNER, fileId })).job;
    await jobs.markProcessing(first.id, { workerId: 'w1' });
    await jobs.markCompleted(first.id, { renditions, outputPrefix: 'hls/a/1', workerId: 'w1' });
    const second = (await jobs.create({ owner: ADMIN_OWNER, fileId })).job;
    expect(await jobs.findLatestAndServedByFileId(fileId)).toMatchObject({ latest: { id: second.id, status: 'queued' }, served: { id: first.id } });
    await jobs.markProcessing(second.id, { workerId: 'w1' });
    expect(await servedId()).toBe(first.id);
    await jobs.markPlayable(second.id, { outputPrefix: 'hls/b/1', renditions, workerId: 'w1' });
    expect(await servedId()).toBe(second.id);
    await jobs.markCancelled(second.id);
    expect(await servedId()).toBe(first.id);
    const third = (await jobs.create({ owner: ADMIN_OWNER, fileId })).job;
    await jobs.markProcessing(third.id, { workerId: 'w1' });
    await jobs.markFailed(third.id, { code: 'ffmpeg_failed', message: 'exit 1' });
    expect(await servedId()).toBe(first.id);
  });

  it('when a job names its webhook events, then they are stored; otherwise null (the default events)', async () => {
    const chosen = await jobs.create({ owner: ADMIN_OWNER, fileId: await newFileId(), webhookEvents: ['transcode.playable', 'transcode.completed'] });
    expect(chosen.job.webhookEvents).toEqual(['transcode.playable', 'transcode.completed']);
    expect((await newJob()).webhookEvents).toBeNull();
  });
});
