import { describe, expect, it } from '@jest/globals';
import type { FileRecord, Job } from '@reelforge/db';
import { NotFoundError } from '../src/http/app.errors.js';
import { ADMIN_CALLER, ownerCaller } from '../src/http/caller.js';
import { JobStatusReader } from '../src/media/job-status.reader.js';

const at = new Date('2026-01-02T03:04:05.000Z');
const file = { id: 'f1', owner: 'acme' } as FileRecord;
const processing = {
  id: 'j1',
  fileId: 'f1',
  status: 'processing',
  progress: 40,
  stage: 'encoding',
  attempts: 1,
  errorCode: null,
  errorMessage: null,
  outputPrefix: null,
  renditions: [],
  bullmqJobId: 'j1.1',
  queuedAt: at,
  startedAt: at,
  playableAt: null,
  finishedAt: null,
  updatedAt: at,
  createdAt: at,
} as unknown as Job;

/** A reader over one file and its latest job, with what BullMQ holds for bull job ids (a function that throws: Redis is down). */
function readerFor(job: Job | null, bull: Record<string, unknown> | (() => never) = {}, served: Job | null = null) {
  const reads: string[] = [];
  const reader = new JobStatusReader({
    files: { findById: async (id) => (id === file.id ? file : null) },
    jobs: { findLatestAndServedByFileId: async () => (job ? { latest: job, served } : null) },
    queue: {
      getJob: async (id: string) => {
        reads.push(id);
        if (typeof bull === 'function') bull();
        const progress = (bull as Record<string, unknown>)[id];
        return progress === undefined ? undefined : ({ progress } as never);
      },
    },
    publicUrl: (key) => `https://cdn.example.com/${key}`,
  });
  return { reader, reads };
}

describe('JobStatusReader', () => {
  it('when the worker reported further to BullMQ than Postgres has yet, then the reader shows the newer progress and stage', async () => {
    const { reader } = readerFor(processing, { 'j1.1': { stage: 'uploading', percent: 93.5, etaSeconds: 2, speed: null } });
    expect(await reader.read('f1', ownerCaller('acme'))).toMatchObject({ status: 'processing', progress: 93.5, stage: 'uploading' });
  });

  it('when BullMQ holds less than Postgres (or nothing of its shape), then Postgres stands', async () => {
    expect(await readerFor(processing, { 'j1.1': { stage: 'encoding', percent: 12, etaSeconds: null, speed: null } }).reader.read('f1', ADMIN_CALLER)).toMatchObject({ progress: 40 });
    expect(await readerFor(processing, { 'j1.1': 77 }).reader.read('f1', ADMIN_CALLER)).toMatchObject({ progress: 40, stage: 'encoding' });
  });

  it('when Redis cannot be read, then the reader answers from Postgres alone', async () => {
    const down = () => {
      throw new Error('Connection is closed.');
    };
    expect(await readerFor(processing, down).reader.read('f1', ADMIN_CALLER)).toMatchObject({ progress: 40, stage: 'encoding' });
  });

  it('when the job is not running, then BullMQ is not asked and the view is the job view', async () => {
    const completed = { ...processing, status: 'completed', progress: 100, stage: 'done', outputPrefix: 'hls/f1', finishedAt: at } as Job;
    const { reader, reads } = readerFor(completed, { 'j1.1': { stage: 'encoding', percent: 50, etaSeconds: null, speed: null } });
    expect(await reader.read('f1', ADMIN_CALLER)).toMatchObject({ status: 'completed', progress: 100, hlsUrl: 'https://cdn.example.com/hls/f1/master.m3u8' });
    expect(reads).toEqual([]);
  });

  it('when the latest job is not playable yet, then the file\'s previous ladder is what it shows; once playable, its own', async () => {
    const previous = { ...processing, id: 'j0', status: 'completed', progress: 100, outputPrefix: 'hls/f1/j0/1', finishedAt: at } as Job;
    expect(await readerFor(processing, {}, previous).reader.read('f1', ADMIN_CALLER)).toMatchObject({
      jobId: 'j1',
      status: 'processing',
      playable: false,
      hlsUrl: 'https://cdn.example.com/hls/f1/j0/1/master.m3u8',
    });
    const playable = { ...processing, outputPrefix: 'hls/f1/j1/1', playableAt: at } as Job;
    expect(await readerFor(playable, {}, previous).reader.read('f1', ADMIN_CALLER)).toMatchObject({
      playable: true,
      playableAt: at.toISOString(),
      hlsUrl: 'https://cdn.example.com/hls/f1/j1/1/master.m3u8',
    });
  });

  it("when the file is unknown, another owner's or has no job, then it is a not-found error with a code", async () => {
    await expect(readerFor(processing).reader.read('nope', ADMIN_CALLER)).rejects.toMatchObject({ code: 'file_not_found' });
    await expect(readerFor(processing).reader.read('f1', ownerCaller('someone-else'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(readerFor(null).reader.read('f1', ownerCaller('acme'))).rejects.toMatchObject({ code: 'job_not_found' });
  });
});
