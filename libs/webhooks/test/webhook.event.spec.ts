import { describe, expect, it } from '@jest/globals';
import type { Job } from '@reelforge/db';
import { renditionRecord } from '@reelforge/db/testing';
import { buildWebhookEvent, eventTypeFor, subscribesTo, WebhookEventSchema, webhookEventId } from '../src/index.js';

const finishedAt = new Date('2026-01-02T03:04:05.678Z');
const baseJob: Job = {
  id: 'job1',
  fileId: 'file1',
  status: 'completed',
  progress: 100,
  stage: 'done',
  attempts: 1,
  errorCode: null,
  errorMessage: null,
  outputPrefix: 'hls/file1',
  renditions: [renditionRecord('360p')],
  ladder: null,
  priority: null,
  webhookUrl: 'https://hooks.example.com/x',
  webhookEvents: null,
  owner: 'acme',
  idempotencyKey: null,
  bullmqJobId: 'job1.1',
  workerId: 'w1',
  queuedAt: finishedAt,
  startedAt: finishedAt,
  playableAt: null,
  finishedAt,
  updatedAt: finishedAt,
  createdAt: finishedAt,
};
const options = { publicUrl: (key: string) => `https://cdn.example.com/${key}`, now: new Date('2026-01-02T03:04:06.000Z') };

describe('buildWebhookEvent', () => {
  it('when the job completed, then the event carries its owner, the renditions and the master playlist URL', () => {
    const event = buildWebhookEvent(baseJob, options);
    expect(event).toEqual({
      id: webhookEventId(baseJob),
      type: 'transcode.completed',
      createdAt: '2026-01-02T03:04:06.000Z',
      owner: 'acme',
      data: {
        jobId: 'job1',
        fileId: 'file1',
        status: 'completed',
        renditions: [renditionRecord('360p')],
        hlsUrl: 'https://cdn.example.com/hls/file1/master.m3u8',
        error: null,
      },
    });
    expect(WebhookEventSchema.parse(event)).toEqual(event);
  });

  it('when the job failed, then the event carries the error code and its public message (no paths, hosts or buckets) and no playlist', () => {
    const failed: Job = {
      ...baseJob,
      status: 'failed',
      errorCode: 'invalid_media',
      errorMessage: 'ffprobe could not read "/srv/storage/uploads/f/source": no video stream',
      outputPrefix: null,
    };
    expect(buildWebhookEvent(failed, options)).toMatchObject({
      type: 'transcode.failed',
      data: {
        status: 'failed',
        renditions: [],
        hlsUrl: null,
        error: { code: 'invalid_media', message: 'The file is not usable video or audio. Reason: ffprobe could not read "[path]": no video stream' },
      },
    });
    const storage: Job = { ...failed, errorCode: 'storage_unavailable', errorMessage: 'S3 putObject failed for bucket "acme" at https://nyc3.example.com' };
    expect(buildWebhookEvent(storage, options)?.data.error).toEqual({ code: 'storage_unavailable', message: 'Storage was unavailable; the error has been logged.' });
  });

  it('when the job was cancelled, then the event says so', () => {
    expect(buildWebhookEvent({ ...baseJob, status: 'cancelled', outputPrefix: null }, options)).toMatchObject({
      type: 'transcode.cancelled',
      data: { status: 'cancelled', hlsUrl: null, error: null },
    });
  });

  it('when the job is still active and not playable, then there is no event', () => {
    expect(buildWebhookEvent({ ...baseJob, status: 'processing', outputPrefix: null }, options)).toBeNull();
    expect(eventTypeFor('queued')).toBeNull();
  });

  it('when the running job published its master, then the event is transcode.playable with the playlist URL, once per attempt', () => {
    const playableAt = new Date('2026-01-02T03:04:01.000Z');
    const running: Job = { ...baseJob, status: 'processing', progress: 30, outputPrefix: 'hls/file1/job1/1', playableAt, finishedAt: null };
    const event = buildWebhookEvent(running, options);
    expect(event).toMatchObject({ type: 'transcode.playable', data: { status: 'processing', hlsUrl: 'https://cdn.example.com/hls/file1/job1/1/master.m3u8' } });
    expect(WebhookEventSchema.parse(event)).toEqual(event);
    expect(webhookEventId({ ...running, updatedAt: new Date() })).toBe(event!.id);
    expect(webhookEventId({ ...running, playableAt: new Date(playableAt.getTime() + 1) })).not.toBe(event!.id);
  });

  it('when a request names no webhookEvents, then it gets the end events only; naming them chooses', () => {
    expect(['transcode.playable', 'transcode.completed', 'transcode.failed', 'transcode.cancelled'].map((type) => subscribesTo(baseJob, type as never))).toEqual([false, true, true, true]);
    const chosen = { webhookEvents: ['transcode.playable' as const, 'transcode.completed' as const] };
    expect(subscribesTo(chosen, 'transcode.playable')).toBe(true);
    expect(subscribesTo(chosen, 'transcode.failed')).toBe(false);
  });

  it('when the same outcome is built twice, then the event id is the same; another outcome or finish time gets another id', () => {
    const id = webhookEventId(baseJob);
    expect(id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(webhookEventId({ ...baseJob })).toBe(id);
    expect(webhookEventId({ ...baseJob, status: 'failed' })).not.toBe(id);
    expect(webhookEventId({ ...baseJob, finishedAt: new Date(finishedAt.getTime() + 1) })).not.toBe(id);
  });
});
