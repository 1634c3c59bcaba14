import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FilesRepository, JobEventsRepository, WebhookDeliveriesRepository } from '@reelforge/db';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { freePort } from '@reelforge/process';
import { parseTranscodeBullJobId, QueueReconciler } from '@reelforge/queue';
import { startEmbeddedRedis, type EmbeddedRedis } from '@reelforge/queue/embedded';
import { startWebhookReceiver } from '@reelforge/webhooks/testing';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createWorkerRuntime } from '../../apps/worker/src/worker.runtime.js';
import { assertWholeHlsOutput } from '../support/hls-output.js';
import { getStatus, submitTranscode, uploadFile, waitForSettled } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

/**
 * Redis loses everything while jobs are queued and running. A private redis-server (never the
 * shared one) is flushed and restarted; Postgres still knows every job, and the reconciler puts
 * back exactly what is missing.
 */
describe('Redis losing its data', () => {
  let dataDir: string;
  let redis: EmbeddedRedis;
  let stack: TestStack;
  let longClip: string;
  let quickClip: string;
  const completions: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-redis-loss-'));
    redis = await startEmbeddedRedis({ dataDir, appendOnly: false });
    // The reconciler is driven by hand in the first test, by the worker's own loop in the second.
    // The webhook receiver listens on loopback, which the API refuses unless private networks are allowed.
    stack = await startTestStack({ env: { REDIS_URL: redis.url, RECONCILE_INTERVAL_S: '0', JOB_LOCK_DURATION_MS: '5000', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } });
    stack.worker!.worker.on('completed', (job) => completions.push(job.id!));
    [longClip, quickClip] = await Promise.all([makeFixture('landscape-720p', { durationS: 12 }), makeFixture('small-360p', { durationS: 2 })]);
  });
  afterAll(async () => {
    await stack.stop();
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
    await cleanupFixtures();
  });

  const upload = async (file: string) => ((await (await uploadFile(stack.baseUrl, file)).json()) as { fileId: string }).fileId;
  const submit = async (fileId: string, extra: { webhookUrl?: string } = {}) => {
    const res = await submitTranscode(stack.baseUrl, { fileId, ...extra });
    if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { jobId: string }).jobId;
  };
  const eventCount = async (jobId: string, kind: string) =>
    (await stack.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM job_events WHERE job_id = $1 AND kind = $2', [jobId, kind])).rows[0]!.n;
  const completedEvents = (jobId: string) => eventCount(jobId, 'completed');
  const completionsOf = (jobId: string) => completions.filter((id) => parseTranscodeBullJobId(id)?.jobId === jobId);

  it('when Redis is flushed while one job runs and two wait, then the reconciler re-enqueues all three and each completes exactly once', async () => {
    const [longFile, fileA, fileB] = [await upload(longClip), await upload(quickClip), await upload(quickClip)];
    const running = await submit(longFile);
    await waitFor('the long job to be encoding', async () => ((await getStatus(stack.baseUrl, longFile)).progress > 5 ? true : undefined));
    const waiting = [await submit(fileA), await submit(fileB)];
    // Every transcode carries its fair priority, so a waiting one is in BullMQ's prioritized set.
    expect(await (await stack.queue.getJob(`${waiting[0]}.1`))?.getState()).toBe('prioritized');

    const admin = new Redis(redis.url);
    await admin.flushall();
    admin.disconnect();
    expect(await stack.queue.getJob(`${waiting[0]}.1`)).toBeUndefined();

    const reconciler = new QueueReconciler({
      queue: stack.queue,
      jobs: stack.jobs,
      files: new FilesRepository(stack.db.pool),
      events: new JobEventsRepository(stack.db.pool),
    });
    const report = await reconciler.reconcileOnce();
    expect(report).toEqual({ checked: 3, requeued: [running, ...waiting], failed: [] });

    for (const fileId of [longFile, fileA, fileB]) expect(await waitForSettled(stack.baseUrl, fileId)).toMatchObject({ status: 'completed' });
    for (const jobId of [running, ...waiting]) {
      expect(await completedEvents(jobId)).toBe(1);
      expect(await eventCount(jobId, 'reconciled')).toBe(1);
      // The worker's 'completed' event comes just after the Postgres row.
      await waitFor('BullMQ to report the completion', async () => (completionsOf(jobId).length > 0 ? true : undefined));
      expect(completionsOf(jobId)).toHaveLength(1);
    }
    // Nothing else is left in the queue that could run any of them a second time.
    expect(await stack.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0 });
    // The interrupted job ran again from the start; the two that waited ran once.
    expect(await stack.jobs.findById(running)).toMatchObject({ attempts: 2 });
    for (const jobId of waiting) expect(await stack.jobs.findById(jobId)).toMatchObject({ attempts: 1 });
    await assertWholeHlsOutput(stack.storage, longFile);
    // Nothing is left to repair, and nothing is doubled by running it again.
    expect(await reconciler.reconcileOnce()).toEqual({ checked: 0, requeued: [], failed: [] });
  });

  it('when Redis restarts empty while jobs wait, then a worker’s reconcile loop (RECONCILE_INTERVAL_S) restores them by itself', async () => {
    await stack.worker!.close(0);
    const files = [await upload(quickClip), await upload(quickClip)];
    const jobIds = [await submit(files[0]!), await submit(files[1]!)];
    expect(await (await stack.queue.getJob(`${jobIds[0]}.1`))?.getState()).toBe('prioritized');

    const port = Number(new URL(redis.url).port);
    await redis.stop();
    redis = await startEmbeddedRedis({ dataDir, port, appendOnly: false });
    await waitFor('the test queue to reconnect', async () => ((await stack.queue.getJob(`${jobIds[0]}.1`).catch(() => 'down')) === undefined ? true : undefined));

    const worker = await createWorkerRuntime({ ...stack.config, reconcile: { intervalMs: 1_000 } }, pino({ level: 'silent' }));
    try {
      for (const fileId of files) expect(await waitForSettled(stack.baseUrl, fileId)).toMatchObject({ status: 'completed', attempts: 1 });
      for (const jobId of jobIds) expect(await completedEvents(jobId)).toBe(1);
    } finally {
      await worker.close(0);
    }
  });

  it('when Redis is flushed while a webhook waits for its retry, then the reconcile loop queues it again and the receiver gets it once', async () => {
    const port = await freePort();
    const webhookUrl = `http://127.0.0.1:${port}/hook`;
    const config = {
      ...stack.config,
      reconcile: { intervalMs: 1_000 },
      // A long backoff: after the refused first attempt the delivery sits delayed in Redis until the flush.
      webhooks: { ...stack.config.webhooks, secret: 'whsec-redis-loss-0123456789', allowPrivateNetworks: true, backoffMs: 600_000 },
    };
    const worker = await createWorkerRuntime(config, pino({ level: 'silent' }));
    const deliveries = new WebhookDeliveriesRepository(stack.db.pool);
    try {
      const fileId = await upload(quickClip);
      const jobId = await submit(fileId, { webhookUrl });
      expect(await waitForSettled(stack.baseUrl, fileId)).toMatchObject({ status: 'completed' });
      const [refused] = await waitFor('the first attempt to be refused', async () => {
        const rows = await deliveries.listForJob(jobId);
        return rows[0]?.attempt === 1 ? rows : undefined;
      });
      expect(refused).toMatchObject({ status: 'pending', responseStatus: null });

      const admin = new Redis(redis.url);
      await admin.flushall();
      admin.disconnect();
      // Up before the row can be re-queued, so the next attempt cannot be refused again.
      const receiver = await startWebhookReceiver((_req, res) => res.writeHead(204).end(), port);
      try {
        // Past the grace a process still adding its queue job gets, as if the flush came minutes later.
        await stack.db.pool.query(`UPDATE webhook_deliveries SET created_at = now() - interval '5 minutes' WHERE id = $1`, [refused!.id]);
        const delivered = await waitFor('the delivery to be re-queued and delivered', async () => {
          const row = await deliveries.findById(refused!.id);
          return row?.status === 'delivered' ? row : undefined;
        });
        expect(delivered).toMatchObject({ attempt: 2, responseStatus: 204, eventId: refused!.eventId });
        expect(receiver.requests).toHaveLength(1);
        expect(receiver.requests[0]!.headers['reelforge-delivery-attempt']).toBe('2');
        expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ id: refused!.eventId, type: 'transcode.completed', data: { jobId } });
      } finally {
        await receiver.close();
      }
    } finally {
      await worker.close(0);
    }
  });
});
