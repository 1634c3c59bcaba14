import { createId } from '@paralleldrive/cuid2';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FilesRepository, JobsRepository, WebhookDeliveriesRepository, type Job, type WebhookDelivery, ADMIN_OWNER } from '@reelforge/db';
import { createTestDatabase, renditionRecord, type TestDatabase } from '@reelforge/db/testing';
import { freePort } from '@reelforge/process';
import { createQueue, createRedisConnection, createWorker, type JobQueue, type JobWorker, type WebhookJobPayload } from '@reelforge/queue';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import {
  createSigningSecrets,
  createWebhookProcessor,
  enqueueWebhookFor,
  SIGNATURE_HEADER,
  verifyWebhookSignature,
  WEBHOOK_USER_AGENT,
  WebhookEventSchema,
  WebhookReconciler,
} from '../src/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../src/testing/index.js';

const SECRET = 'whsec-delivery-test-0123456789';
const ATTEMPTS = 3;
const BACKOFF_MS = 250;
// Long enough for a local receiver on a loaded 2-core machine: a timed-out first attempt would be a retry.
const TIMEOUT_MS = 3_000;

let db: TestDatabase;
let redis: Redis;
let queue: JobQueue<'webhooks'>;
let worker: JobWorker<'webhooks'>;
let files: FilesRepository;
let jobs: JobsRepository;
let deliveries: WebhookDeliveriesRepository;
const receivers: WebhookReceiver[] = [];
/** Set by a test to hold a delivery attempt until it says so (see the "down at first" case). */
let beforeAttempt: ((job: { id?: string; attemptsMade: number }) => Promise<void>) | undefined;

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'test_webhooks' });
  files = new FilesRepository(db.pool);
  jobs = new JobsRepository(db.pool);
  deliveries = new WebhookDeliveriesRepository(db.pool);
  redis = createRedisConnection(process.env.REELFORGE_TEST_REDIS_URL!, 'worker');
  const prefix = `rf-wh-${createId().slice(0, 10)}`;
  queue = createQueue('webhooks', { connection: redis, prefix, attempts: ATTEMPTS, backoffDelayMs: BACKOFF_MS });
  const logger = pino({ level: 'silent' });
  const deliver = createWebhookProcessor({ deliveries, signingSecrets: createSigningSecrets({ adminSecret: SECRET, owners: undefined }), timeoutMs: TIMEOUT_MS, allowPrivateNetworks: true, logger });
  const processor: typeof deliver = async (job, token, signal) => {
    await beforeAttempt?.(job);
    return deliver(job, token, signal);
  };
  worker = createWorker('webhooks', processor, {
    connection: redis,
    prefix,
    concurrency: 4,
  });
});

afterAll(async () => {
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
  await Promise.all(receivers.map((r) => r.close()));
  await db.drop();
});

async function receiver(handler: Parameters<typeof startWebhookReceiver>[0], port?: number): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(handler, port);
  receivers.push(started);
  return started;
}

/** A job that went through the real state machine to `completed`, with a receiver URL. */
async function completedJob(webhookUrl: string): Promise<Job> {
  const file = await files.insert({ owner: ADMIN_OWNER, originalName: 'clip.mp4', sizeBytes: 1, storageKey: `uploads/${createId()}/clip.mp4` });
  const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: file.id, webhookUrl });
  await jobs.markProcessing(job.id, { workerId: 'w' });
  return (await jobs.markCompleted(job.id, { renditions: [renditionRecord('360p')], outputPrefix: `hls/${file.id}`, workerId: 'w' }))!;
}

const enqueue = (job: Job) =>
  enqueueWebhookFor(job, { queue, deliveries, defaultUrl: undefined, publicUrl: (key) => `https://cdn.example.com/${key}` });

/**
 * Resolves once BullMQ is done with the delivery: delivered, or failed on its last attempt. It may be
 * done already (a fast worker can finish while the test still awaits something else): after listening,
 * the job's state is read once, so an event that came before the listener is not waited for forever.
 */
function settled(deliveryId: string): Promise<WebhookDelivery> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      worker.off('completed', onCompleted);
      worker.off('failed', onFailed);
      deliveries.findById(deliveryId).then((d) => (d ? resolve(d) : reject(new Error('delivery row vanished'))), reject);
    };
    const onCompleted = (job: { id?: string }) => {
      if (job.id === deliveryId) finish();
    };
    const onFailed = (job: { id?: string; attemptsMade: number } | undefined, err: Error) => {
      if (job?.id === deliveryId && (job.attemptsMade >= ATTEMPTS || err.name === 'UnrecoverableError')) finish();
    };
    worker.on('completed', onCompleted);
    worker.on('failed', onFailed);
    void queue.getJob(deliveryId).then(async (job) => {
      const state = await job?.getState();
      // A job BullMQ will try again waits in `delayed`; `failed` is final.
      if (state === 'completed' || state === 'failed') finish();
    }, reject);
  });
}

describe('webhook delivery through the webhooks queue', () => {
  it('when a job completes, then the receiver gets a signed event it can verify, and the delivery is recorded', async () => {
    const hook = await receiver((_req, res) => res.writeHead(204).end());
    const job = await completedJob(hook.url());
    const arrived = hook.next('/hook');
    const delivery = (await enqueue(job))!;
    expect(delivery).toMatchObject({ status: 'pending', attempt: 0, url: hook.url(), eventType: 'transcode.completed' });

    const request = await arrived;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe(WEBHOOK_USER_AGENT);
    expect(verifyWebhookSignature({ secret: SECRET, rawBody: request.body, header: request.headers['reelforge-signature'] as string })).toBe(true);
    expect(request.headers[SIGNATURE_HEADER.toLowerCase()]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = WebhookEventSchema.parse(JSON.parse(request.body));
    expect(event).toMatchObject({
      id: delivery.eventId,
      type: 'transcode.completed',
      data: { jobId: job.id, fileId: job.fileId, status: 'completed', hlsUrl: `https://cdn.example.com/hls/${job.fileId}/master.m3u8`, error: null },
    });
    expect(request.headers['reelforge-event-id']).toBe(event.id);

    const final = await settled(delivery.id);
    expect(final).toMatchObject({ status: 'delivered', attempt: 1, responseStatus: 204, error: null });
    expect(final.deliveredAt).toBeInstanceOf(Date);
  });

  it('when the same outcome is enqueued twice, then one delivery is recorded and sent once', async () => {
    const hook = await receiver((_req, res) => res.writeHead(200).end('ok'));
    const job = await completedJob(hook.url());
    const first = (await enqueue(job))!;
    const second = (await enqueue(job))!;
    expect(second.id).toBe(first.id);
    await settled(first.id);
    expect(await deliveries.listForJob(job.id)).toHaveLength(1);
    expect(hook.requests).toHaveLength(1);
  });

  it('when the receiver is down at first and comes up later, then a later attempt delivers it', async () => {
    const port = await freePort();
    const job = await completedJob(`http://127.0.0.1:${port}/hook`);
    const watched: { id?: string } = {};
    // The retries come 250 ms and 750 ms after the first attempt. Racing them to start the receiver
    // was a bet a loaded machine could lose (every attempt refused, or the check below seeing attempt
    // 2); instead the retry waits until the receiver is up.
    let receiverUp: () => void = () => undefined;
    const up = new Promise<void>((resolve) => {
      receiverUp = resolve;
    });
    beforeAttempt = async (attempt) => {
      if (attempt.id === watched.id && attempt.attemptsMade > 0) await up;
    };
    try {
      // Listen before enqueueing: a refused connection fails within milliseconds.
      const firstFailure = new Promise<void>((resolve) => {
        const onFailed = (failed: { id?: string } | undefined) => {
          if (watched.id === undefined || failed?.id !== watched.id) return;
          worker.off('failed', onFailed);
          resolve();
        };
        worker.on('failed', onFailed);
      });
      const delivery = (await enqueue(job))!;
      watched.id = delivery.id;
      const done = settled(delivery.id);
      await firstFailure;
      const afterFirst = await deliveries.findById(delivery.id);
      expect(afterFirst).toMatchObject({ status: 'pending', attempt: 1, responseStatus: null });
      expect(afterFirst!.error).toMatch(/ECONNREFUSED/);

      const hook = await receiver((_req, res) => res.writeHead(200).end(), port);
      receiverUp();
      const final = await done;
      expect(final).toMatchObject({ status: 'delivered', attempt: 2, responseStatus: 200, error: null });
      expect(hook.requests).toHaveLength(1);
      expect(hook.requests[0]!.headers['reelforge-delivery-attempt']).toBe('2');
    } finally {
      // Never leave an attempt held: the worker could not close.
      receiverUp();
      beforeAttempt = undefined;
    }
  });

  it('when the receiver answers 500 every time, then the delivery ends failed with the last status recorded', async () => {
    const hook = await receiver((_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('database is on fire'));
    const job = await completedJob(hook.url());
    const delivery = (await enqueue(job))!;
    const final = await settled(delivery.id);
    expect(final).toMatchObject({ status: 'failed', attempt: ATTEMPTS, responseStatus: 500, error: 'HTTP 500: database is on fire', deliveredAt: null });
    expect(hook.requests).toHaveLength(ATTEMPTS);
    // Every attempt is signed afresh over the same bytes.
    expect(new Set(hook.requests.map((r) => r.body)).size).toBe(1);
  });

  it('when the receiver redirects, then the redirect is not followed and the attempt counts as failed', async () => {
    const hook = await receiver((req, res) => {
      if (req.url === '/hook') res.writeHead(307, { location: '/elsewhere' }).end();
      else res.writeHead(200).end();
    });
    const job = await completedJob(hook.url());
    const final = await settled((await enqueue(job))!.id);
    expect(final).toMatchObject({ status: 'failed', responseStatus: 307, error: 'HTTP 307: redirect to /elsewhere not followed' });
    expect(hook.requests.map((r) => r.url)).toEqual(Array(ATTEMPTS).fill('/hook'));
  });

  it('when the receiver never answers, then each attempt times out and the delivery fails', async () => {
    const hook = await receiver(() => undefined);
    const job = await completedJob(hook.url());
    const final = await settled((await enqueue(job))!.id);
    // Every attempt reached the receiver, which never answered, and the sender gave up on it: the
    // timeout did its work each time (the events say so; a stopwatch would only say how busy the machine was).
    expect(final).toMatchObject({ status: 'failed', attempt: ATTEMPTS, responseStatus: null, error: `no answer within ${TIMEOUT_MS} ms` });
    expect(hook.requests).toHaveLength(ATTEMPTS);
  });

  it('when the job named no receiver and there is no default, then nothing is queued', async () => {
    const file = await files.insert({ owner: ADMIN_OWNER, originalName: 'a.mp4', sizeBytes: 1, storageKey: `uploads/${createId()}/a.mp4` });
    const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: file.id });
    const cancelled = (await jobs.markCancelled(job.id))!;
    expect(await enqueue(cancelled)).toBeNull();
  });

  it('when a job has no URL of its own, then WEBHOOK_DEFAULT_URL receives its event', async () => {
    const hook = await receiver((_req, res) => res.writeHead(202).end());
    const file = await files.insert({ owner: ADMIN_OWNER, originalName: 'a.mp4', sizeBytes: 1, storageKey: `uploads/${createId()}/a.mp4` });
    const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: file.id });
    const cancelled = (await jobs.markCancelled(job.id))!;
    const delivery = (await enqueueWebhookFor(cancelled, { queue, deliveries, defaultUrl: hook.url('/default'), publicUrl: (k) => k }))!;
    expect(await settled(delivery.id)).toMatchObject({ status: 'delivered', url: hook.url('/default'), eventType: 'transcode.cancelled' });
    expect(JSON.parse(hook.requests[0]!.body)).toMatchObject({ type: 'transcode.cancelled', data: { status: 'cancelled', hlsUrl: null } });
  });
});

describe('reconciling webhook deliveries with the queue', () => {
  const reconciler = (graceMs = 0) => new WebhookReconciler({ queue, deliveries, pendingEnqueueGraceMs: graceMs });

  /** A delivery whose first attempt failed and whose queue job Redis then lost: a pending row and nothing in BullMQ. */
  async function lostAfterOneAttempt(url: string): Promise<WebhookDelivery> {
    const job = await completedJob(url);
    const { delivery } = await deliveries.createPending({ jobId: job.id, owner: job.owner, url, eventType: 'transcode.completed', eventId: `evt_${job.id}`, payload: { id: `evt_${job.id}` } });
    await deliveries.recordAttempt(delivery.id, { attempt: 1, outcome: 'retrying', responseStatus: 503, error: 'HTTP 503' });
    return delivery;
  }

  it('when Redis lost a pending delivery, then it is queued again, attempts count on, and it is delivered once', async () => {
    const hook = await receiver((_req, res) => res.writeHead(204).end());
    const delivery = await lostAfterOneAttempt(hook.url('/lost'));
    expect(await queue.getJob(delivery.id)).toBeUndefined();

    const done = settled(delivery.id);
    const report = await reconciler().reconcileOnce();
    expect(report.requeued).toEqual([delivery.id]);
    expect(report.failed).toEqual([]);
    expect(await done).toMatchObject({ status: 'delivered', attempt: 2, responseStatus: 204 });
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]!.headers['reelforge-delivery-attempt']).toBe('2');
    expect(hook.requests[0]!.headers['reelforge-event-id']).toBe(delivery.eventId);
    expect(JSON.parse(hook.requests[0]!.body)).toEqual(delivery.payload);

    // Delivered: a second run has nothing to put back.
    expect((await reconciler().reconcileOnce()).requeued).toEqual([]);
  });

  it('when the queue cannot take a new delivery, then it stays pending and the reconciler delivers it later', async () => {
    const hook = await receiver((_req, res) => res.writeHead(204).end());
    const job = await completedJob(hook.url('/late'));
    const closed = createRedisConnection(process.env.REELFORGE_TEST_REDIS_URL!, 'producer');
    const unreachable = createQueue('webhooks', { connection: closed, prefix: `rf-wh-closed-${createId().slice(0, 8)}`, attempts: ATTEMPTS });
    unreachable.on('error', () => undefined);
    await unreachable.waitUntilReady();
    closed.disconnect();
    try {
      await expect(enqueueWebhookFor(job, { queue: unreachable, deliveries, defaultUrl: undefined, publicUrl: (k) => k })).rejects.toThrow();
    } finally {
      await unreachable.close();
    }
    const [pending] = await deliveries.listForJob(job.id);
    expect(pending).toMatchObject({ status: 'pending', attempt: 0, error: null });

    const done = settled(pending!.id);
    expect((await reconciler().reconcileOnce()).requeued).toContain(pending!.id);
    expect(await done).toMatchObject({ status: 'delivered', attempt: 1, responseStatus: 204 });
    expect(hook.requests).toHaveLength(1);
  });

  it('when more deliveries are pending than one page holds, then every one of them is checked', async () => {
    const lost = [await lostAfterOneAttempt('http://127.0.0.1:9/a'), await lostAfterOneAttempt('http://127.0.0.1:9/b'), await lostAfterOneAttempt('http://127.0.0.1:9/c')];
    // A queue no worker reads, so the re-added jobs stay where the test can see them.
    const idle = createQueue('webhooks', { connection: redis, prefix: `rf-wh-idle-${createId().slice(0, 8)}`, attempts: ATTEMPTS });
    try {
      const report = await new WebhookReconciler({ queue: idle, deliveries, pendingEnqueueGraceMs: 0, batchSize: 2 }).reconcileOnce();
      expect(report.requeued).toEqual(expect.arrayContaining(lost.map((d) => d.id)));
      for (const delivery of lost) expect(await (await idle.getJob(delivery.id))?.getState()).toBe('waiting');
    } finally {
      await idle.obliterate({ force: true });
      await idle.close();
      for (const delivery of lost) await deliveries.markFailed(delivery.id, 'test cleanup');
    }
  });

  it('when a pending delivery is younger than the grace period, then it is left to the process adding its queue job', async () => {
    const delivery = await lostAfterOneAttempt('http://127.0.0.1:9/young');
    const report = await reconciler(60_000).reconcileOnce();
    expect(report.requeued).not.toContain(delivery.id);
    expect(await queue.getJob(delivery.id)).toBeUndefined();
    expect(await deliveries.findById(delivery.id)).toMatchObject({ status: 'pending' });
    await deliveries.markFailed(delivery.id, 'test cleanup');
  });

  it('when the queue gave up on a delivery without Postgres hearing of it, then the delivery is marked failed with the queue’s reason', async () => {
    const delivery = await lostAfterOneAttempt('http://127.0.0.1:9/broken');
    // A payload the processor rejects before recording anything: BullMQ fails the job, Postgres still says pending.
    await queue.add(delivery.eventType, { deliveryId: delivery.id } as WebhookJobPayload, { jobId: delivery.id });
    await waitForBullState(delivery.id, 'failed');

    const report = await reconciler().reconcileOnce();
    expect(report.failed).toEqual([delivery.id]);
    expect(await deliveries.findById(delivery.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/invalid webhooks job payload/) });
  });
});

async function waitForBullState(id: string, state: string): Promise<void> {
  const deadline = Date.now() + 45_000;
  while ((await (await queue.getJob(id))?.getState()) !== state) {
    if (Date.now() > deadline) throw new Error(`BullMQ job ${id} never reached ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
