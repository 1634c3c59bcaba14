import { describe, expect, it } from '@jest/globals';
import type { JobItem } from '../src/job.item.js';
import { EMPTY_JOBS, jobsReducer, rowProgress, type JobsState } from '../src/jobs.reducer.js';

const job = (over: Partial<JobItem> & Pick<JobItem, 'jobId'>): JobItem => ({
  fileId: `file-${over.jobId}`,
  status: 'queued',
  progress: 0,
  stage: 'queued',
  attempts: 0,
  playable: false,
  hlsUrl: null,
  posterUrl: null,
  error: null,
  createdAt: '2026-12-06T10:00:00.000Z',
  updatedAt: '2026-12-06T10:00:00.000Z',
  ...over,
});
const progress = (jobId: string, percent: number, stage = 'encoding') => ({
  type: 'progress' as const,
  event: { jobId, fileId: `file-${jobId}`, stage, percent, etaSeconds: 3, speed: 1.5 },
});

describe('jobsReducer', () => {
  it('when the list loads, then rows are newest first', () => {
    const state = jobsReducer(EMPTY_JOBS, {
      type: 'loaded',
      items: [job({ jobId: 'a', createdAt: '2026-12-06T09:00:00.000Z' }), job({ jobId: 'b', createdAt: '2026-12-06T11:00:00.000Z' })],
    });
    expect(state.items.map((j) => j.jobId)).toEqual(['b', 'a']);
  });

  it('when a job event names a new job, then it is added at the top; when it names a known one, then the row is replaced', () => {
    let state = jobsReducer(EMPTY_JOBS, { type: 'loaded', items: [job({ jobId: 'a' })] });
    state = jobsReducer(state, { type: 'job', job: job({ jobId: 'b', createdAt: '2026-12-06T12:00:00.000Z' }) });
    state = jobsReducer(state, { type: 'job', job: job({ jobId: 'a', status: 'processing', updatedAt: '2026-12-06T10:00:01.000Z' }) });
    expect(state.items.map((j) => [j.jobId, j.status])).toEqual([
      ['b', 'queued'],
      ['a', 'processing'],
    ]);
  });

  it('when an older snapshot of a row arrives after a newer event, then the newer row stays', () => {
    const newer = job({ jobId: 'a', status: 'completed', progress: 100, updatedAt: '2026-12-06T10:00:09.000Z' });
    let state = jobsReducer(EMPTY_JOBS, { type: 'job', job: newer });
    state = jobsReducer(state, { type: 'loaded', items: [job({ jobId: 'a', status: 'processing', updatedAt: '2026-12-06T10:00:05.000Z' })] });
    expect(state.items).toEqual([newer]);
  });

  it('when progress arrives, then the row shows it; a lower percent in the same attempt is ignored', () => {
    let state = jobsReducer(EMPTY_JOBS, { type: 'job', job: job({ jobId: 'a', status: 'processing' }) });
    state = jobsReducer(state, progress('a', 40));
    state = jobsReducer(state, progress('a', 30));
    expect(rowProgress(state, state.items[0]!)).toEqual({ percent: 40, stage: 'encoding', etaSeconds: 3 });
  });

  it('when progress names an unknown or finished job, then nothing changes', () => {
    const state: JobsState = jobsReducer(EMPTY_JOBS, { type: 'job', job: job({ jobId: 'a', status: 'cancelled' }) });
    expect(jobsReducer(state, progress('a', 50))).toBe(state);
    expect(jobsReducer(state, progress('zzz', 50))).toBe(state);
  });

  it('when a job is retried (queued again, next attempt), then the live percent of the old attempt is dropped', () => {
    let state = jobsReducer(EMPTY_JOBS, { type: 'job', job: job({ jobId: 'a', status: 'processing', attempts: 1 }) });
    state = jobsReducer(state, progress('a', 70));
    state = jobsReducer(state, { type: 'job', job: job({ jobId: 'a', status: 'queued', attempts: 1, progress: 0, updatedAt: '2026-12-06T10:00:02.000Z' }) });
    expect(state.live).toEqual({});
    expect(rowProgress(state, state.items[0]!)).toEqual({ percent: 0, stage: 'queued', etaSeconds: null });
  });

  it('when a job completes, then the row shows its stored 100 % rather than the last live sample', () => {
    let state = jobsReducer(EMPTY_JOBS, { type: 'job', job: job({ jobId: 'a', status: 'processing' }) });
    state = jobsReducer(state, progress('a', 97));
    state = jobsReducer(state, { type: 'job', job: job({ jobId: 'a', status: 'completed', progress: 100, stage: 'done', updatedAt: '2026-12-06T10:00:03.000Z' }) });
    expect(rowProgress(state, state.items[0]!)).toEqual({ percent: 100, stage: 'done', etaSeconds: null });
  });

  it('when a reload lists fewer rows than the stream delivered, then the delivered ones are kept', () => {
    let state = jobsReducer(EMPTY_JOBS, { type: 'job', job: job({ jobId: 'old', createdAt: '2026-12-01T00:00:00.000Z' }) });
    state = jobsReducer(state, { type: 'loaded', items: [job({ jobId: 'new' })] });
    expect(state.items.map((j) => j.jobId)).toEqual(['new', 'old']);
  });

  it('when the user signs out, then the list is empty', () => {
    const state = jobsReducer(EMPTY_JOBS, { type: 'job', job: job({ jobId: 'a' }) });
    expect(jobsReducer(state, { type: 'signed-out' })).toEqual(EMPTY_JOBS);
  });
});
