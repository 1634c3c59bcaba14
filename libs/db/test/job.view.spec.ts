import { describe, expect, it } from '@jest/globals';
import { JobViewSchema, toJobView, type Job } from '../src/index.js';
import { renditionRecord } from '../src/testing/index.js';

const at = new Date('2026-01-02T03:04:05.678Z');
const video = renditionRecord('360p');
const audio = renditionRecord('audio');
const completed: Job = {
  id: 'job1',
  fileId: 'file1',
  status: 'completed',
  progress: 100,
  stage: 'done',
  attempts: 2,
  errorCode: null,
  errorMessage: null,
  outputPrefix: 'hls/file1',
  renditions: [video, audio],
  ladder: null,
  priority: null,
  webhookUrl: null,
  webhookEvents: null,
  owner: 'acme',
  idempotencyKey: null,
  bullmqJobId: 'job1.2',
  workerId: 'w1',
  queuedAt: at,
  startedAt: at,
  playableAt: null,
  finishedAt: at,
  updatedAt: at,
  createdAt: at,
};
const cdn = (key: string) => `https://cdn.example.com/${key}`;

describe('toJobView', () => {
  it('when the job completed with a video, then the view has its renditions, the master playlist and the poster', () => {
    const view = toJobView(completed, cdn);
    expect(view).toEqual({
      fileId: 'file1',
      jobId: 'job1',
      status: 'completed',
      progress: 100,
      stage: 'done',
      attempts: 2,
      playable: true,
      playableAt: '2026-01-02T03:04:05.678Z',
      renditions: [video, audio],
      hlsUrl: 'https://cdn.example.com/hls/file1/master.m3u8',
      posterUrl: 'https://cdn.example.com/hls/file1/poster.jpg',
      error: null,
      createdAt: '2026-01-02T03:04:05.678Z',
      queuedAt: '2026-01-02T03:04:05.678Z',
      startedAt: '2026-01-02T03:04:05.678Z',
      finishedAt: '2026-01-02T03:04:05.678Z',
      updatedAt: '2026-01-02T03:04:05.678Z',
    });
    expect(JobViewSchema.parse(view)).toEqual(view);
  });

  it('when the output is audio only, then there is a playlist and no poster', () => {
    expect(toJobView({ ...completed, renditions: [audio] }, cdn)).toMatchObject({ hlsUrl: cdn('hls/file1/master.m3u8'), posterUrl: null });
  });

  it('when the job failed, then the view carries the error and nothing of the output', () => {
    const failed: Job = { ...completed, status: 'failed', errorCode: 'invalid_media', errorMessage: null, finishedAt: at };
    expect(toJobView(failed, cdn)).toMatchObject({ renditions: [], hlsUrl: null, posterUrl: null, error: { code: 'invalid_media', message: 'The file is not usable video or audio.' } });
    const raw = 'upload of hls/file1/360p/seg_00001.ts failed: connect ECONNREFUSED 10.0.0.5:9000';
    expect(toJobView({ ...failed, errorCode: 'storage_unavailable', errorMessage: raw }, cdn).error).toEqual({
      code: 'storage_unavailable',
      message: 'Storage was unavailable; the error has been logged.',
    });
  });

  it('when the job is still running, then its times that have not happened yet are null and no URL is given', () => {
    const running: Job = { ...completed, status: 'processing', progress: 41.5, stage: 'encoding', outputPrefix: null, renditions: [], finishedAt: null };
    const view = toJobView(running, cdn);
    expect(view).toMatchObject({ status: 'processing', progress: 41.5, stage: 'encoding', hlsUrl: null, posterUrl: null, finishedAt: null });
    expect(JobViewSchema.parse(view)).toEqual(view);
  });

  it('when the running attempt published its master, then it is playable with its URLs and planned renditions while still processing', () => {
    const later = new Date('2026-01-02T03:04:09.000Z');
    const planned = [{ ...video, bandwidth: null, averageBandwidth: null }];
    const running: Job = { ...completed, status: 'processing', progress: 20, stage: 'encoding', outputPrefix: 'hls/file1/job1/2', renditions: planned, playableAt: later, finishedAt: null };
    const view = toJobView(running, cdn);
    expect(view).toMatchObject({
      status: 'processing',
      playable: true,
      playableAt: later.toISOString(),
      renditions: planned,
      hlsUrl: cdn('hls/file1/job1/2/master.m3u8'),
      posterUrl: cdn('hls/file1/job1/2/poster.jpg'),
    });
    expect(JobViewSchema.parse(view)).toEqual(view);
  });

  it('when a newer job of the file is not playable (queued, running, failed, cancelled), then the served job\'s ladder stands in for it', () => {
    const older: Job = { ...completed, id: 'job0', outputPrefix: 'hls/file1/job0/1' };
    const fresh = { ...completed, id: 'job2', progress: 0, outputPrefix: null, renditions: [], playableAt: null, finishedAt: null };
    for (const status of ['queued', 'processing', 'failed', 'cancelled'] as const) {
      expect(toJobView({ ...fresh, status }, cdn, older)).toMatchObject({
        jobId: 'job2',
        status,
        playable: false,
        playableAt: null,
        renditions: [video, audio],
        hlsUrl: cdn('hls/file1/job0/1/master.m3u8'),
        posterUrl: cdn('hls/file1/job0/1/poster.jpg'),
      });
    }
    // A playable job serves itself; a served job that is not playable is ignored.
    expect(toJobView(completed, cdn, older).hlsUrl).toBe(cdn('hls/file1/master.m3u8'));
    expect(toJobView({ ...fresh, status: 'queued' }, cdn, { ...older, status: 'failed' }).hlsUrl).toBeNull();
  });

  it('when the reader serves storage itself, then its own URLs are used (the player: root-relative)', () => {
    expect(toJobView(completed, (key) => `/media/${key}`)).toMatchObject({ hlsUrl: '/media/hls/file1/master.m3u8', posterUrl: '/media/hls/file1/poster.jpg' });
  });
});
