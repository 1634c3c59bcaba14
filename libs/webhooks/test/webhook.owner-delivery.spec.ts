import { createId } from '@paralleldrive/cuid2';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_OWNER, FilesRepository, JobsRepository, WebhookDeliveriesRepository, WebhookSecretsRepository, type Job, type WebhookDelivery } from '@reelforge/db';
import { createTestDatabase, renditionRecord, type TestDatabase } from '@reelforge/db/testing';
import { createRedisConnection, createWorker, webhookBullJobId, type JobQueue, type JobWorker } from '@reelforge/queue';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import {
  createSigningSecrets,
  createWebhookProcessor,
  createWebhookQueue,
  enqueueWebhookFor,
  operatorKey,
  OwnerSecretsStore,
  redeliverWebhook,
  webhookBackoffStrategy,
  webhookRetrySchedule,
  WebhookEventSchema,
  WebhookReconciler,
} from '../src/index.js';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../src/testing/index.js';
import { loadReadmeVerify, type ReadmeVerify } from './readme-snippet.js';

const ADMIN_SECRET = 'whsec-admin-0123456789abcdef';
/** A tiny base delay so the real retry path runs in milliseconds; the schedule itself is unit-tested. */
const RETRY = { retryWindowS: 2, backoffMs: 20, backoffMaxMs: 80 };

let db: TestDatabase;
let redis: Redis;
let queue: JobQueue<'webhooks'>;
let worker: JobWorker<'webhooks'>;
let files: FilesRepository;
let jobs: JobsRepository;
let deliveries: WebhookDeliveriesRepository;
let store: OwnerSecretsStore;
let receiver: WebhookReceiver;
let verify: ReadmeVerify;
let cleanupSnippet: () => Promise<void>;
/** Answers per path: a test pushes statuses; without any, 204. */
const answers = new Map<string, number[]>();

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'test_owner_hooks' });
  files = new FilesRepository(db.pool);
  jobs = new JobsRepository(db.pool);
  deliveries = new WebhookDeliveriesRepository(db.pool);
  store = new OwnerSecretsStore(new WebhookSecretsRepository(db.pool), [operatorKey(Buffer.alloc(32, 9))]);
  redis = createRedisConnection(process.env.REELFORGE_TEST_REDIS_URL!, 'worker');
  const prefix = `rf-owh-${createId().slice(0, 10)}`;
  queue = createWebhookQueue({ connection: redis, prefix, retry: RETRY });
  const signingSecrets = createSigningSecrets({ adminSecret: ADMIN_SECRET, owners: store });
  worker = createWorker('webhooks', createWebhookProcessor({ deliveries, signingSecrets, timeoutMs: 2_000, allowPrivateNetworks: true, logger: pino({ level: 'silent' }) }), {
    connection: redis,
    prefix,
    concurrency: 2,
    backoffStrategy: webhookBackoffStrategy(RETRY),
  });
  receiver = await startWebhookReceiver((req, res) => res.writeHead(answers.get(req.url)?.shift() ?? 204).end());
  ({ verify, cleanup: cleanupSnippet } = await loadReadmeVerify());
});

afterAll(async () => {
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
  await receiver.close();
  await cleanupSnippet();
  await db.drop();
});

async function completedJob(owner: string, webhookUrl: string): Promise<Job> {
  const file = await files.insert({ owner, originalName: 'clip.mp4', sizeBytes: 1, storageKey: `uploads/${createId()}/source` });
  const { job } = await jobs.create({ owner, fileId: file.id, webhookUrl });
  await jobs.markProcessing(job.id, { workerId: 'w' });
  return (await jobs.markCompleted(job.id, { renditions: [renditionRecord('360p')], outputPrefix: `hls/${file.id}`, workerId: 'w' }))!;
}

/** Resolves when the delivery row leaves pending (delivered, or failed for good). */
async function finished(deliveryId: string): Promise<WebhookDelivery> {
  for (;;) {
    const row = await deliveries.findById(deliveryId);
    if (row && row.status !== 'pending') return row;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function deliver(owner: string, path: string): Promise<{ delivery: WebhookDelivery; request: ReceivedRequest }> {
  const arrived = receiver.next(path);
  const job = await completedJob(owner, receiver.url(path));
  const delivery = (await enqueueWebhookFor(job, { queue, deliveries, defaultUrl: undefined, publicUrl: (k) => `https://cdn.example.com/${k}` }))!;
  return { delivery: await finished(delivery.id), request: await arrived };
}

const signature = (request: ReceivedRequest) => request.headers['reelforge-signature'] as string;

describe('webhooks signed per owner', () => {
  it("when an owner has its own secret, then its event carries the owner, is signed with that secret only, and the README snippet accepts it", async () => {
    const acme = (await store.create('acme'))!;
    const { delivery, request } = await deliver('acme', '/acme/one');
    expect(delivery).toMatchObject({ status: 'delivered', owner: 'acme' });
    expect(WebhookEventSchema.parse(JSON.parse(request.body)).owner).toBe('acme');
    expect(signature(request).match(/v1=/g)).toHaveLength(1);
    expect(verify(request.body, signature(request), acme.secret)).toBe(true);
    expect(verify(request.body, signature(request), ADMIN_SECRET)).toBe(false);
  });

  it('when the owner rotates with an overlap, then deliveries carry two v1 until it ends, and the README snippet accepts either secret', async () => {
    const [oldSecret] = await store.activeSecrets('acme');
    const rotated = (await store.rotate('acme', 3_600_000))!;
    const { request } = await deliver('acme', '/acme/two');
    expect(signature(request).match(/v1=/g)).toHaveLength(2);
    expect(verify(request.body, signature(request), rotated.secret)).toBe(true);
    expect(verify(request.body, signature(request), oldSecret!)).toBe(true);
    expect(verify(request.body, signature(request), 'whsec_someone-else-0123')).toBe(false);

    await store.rotate('acme', 0);
    const { request: after } = await deliver('acme', '/acme/three');
    expect(signature(after).match(/v1=/g)).toHaveLength(1);
    expect(verify(after.body, signature(after), rotated.secret)).toBe(false);
  });

  it("when administrators' jobs settle, then WEBHOOK_SECRET signs them", async () => {
    const { request } = await deliver(ADMIN_OWNER, '/admin');
    expect(JSON.parse(request.body)).toMatchObject({ owner: ADMIN_OWNER });
    expect(verify(request.body, signature(request), ADMIN_SECRET)).toBe(true);
  });

  it('when an owner has no secret, then nothing is sent and the delivery fails at once with webhook_secret_missing; once it has one, a redeliver sends it', async () => {
    const job = await completedJob('globex', receiver.url('/globex'));
    const queued = (await enqueueWebhookFor(job, { queue, deliveries, defaultUrl: undefined, publicUrl: (k) => `https://cdn.example.com/${k}` }))!;
    const failed = await finished(queued.id);
    expect(failed).toMatchObject({ status: 'failed', attempt: 1, responseStatus: null, error: expect.stringMatching(/^webhook_secret_missing: owner "globex" has no webhook signing secret/) });
    expect(receiver.requests.filter((r) => r.url === '/globex')).toEqual([]);

    const globex = (await store.create('globex'))!;
    const arrived = receiver.next('/globex');
    const again = await redeliverWebhook(queued.id, { queue, deliveries });
    expect(again).toMatchObject({ status: 'pending', redelivery: 1 });
    const request = await arrived;
    expect(await finished(queued.id)).toMatchObject({ status: 'delivered', attempt: 2, redelivery: 1 });
    expect(request.headers['reelforge-delivery-attempt']).toBe('2');
    expect(request.headers['reelforge-event-id']).toBe(queued.eventId);
    expect(verify(request.body, signature(request), globex.secret)).toBe(true);
  });
});

describe('retries and redelivery', () => {
  it('when the receiver fails twice, then BullMQ retries on the custom schedule and the third attempt delivers; every attempt is logged', async () => {
    await store.create('initech');
    answers.set('/flaky', [503, 500]);
    const job = await completedJob('initech', receiver.url('/flaky'));
    const queued = (await enqueueWebhookFor(job, { queue, deliveries, defaultUrl: undefined, publicUrl: (k) => `https://cdn.example.com/${k}` }))!;
    expect((await queue.getJob(queued.id))!.opts).toMatchObject({ backoff: { type: 'custom' }, attempts: webhookRetrySchedule(RETRY).attempts });
    expect(await finished(queued.id)).toMatchObject({ status: 'delivered', attempt: 3, responseStatus: 204 });
    const [entry] = (await deliveries.list({ owner: 'initech', limit: 1 })).items;
    expect(entry!.attempts.map((a) => [a.attempt, a.outcome, a.responseStatus])).toEqual([
      [1, 'retrying', 503],
      [2, 'retrying', 500],
      [3, 'delivered', 204],
    ]);
  });

  it('when a delivered event is redelivered, then the same event goes out again, signed afresh, under the next round\'s queue id', async () => {
    const { delivery, request: first } = await deliver('acme', '/acme/redeliver');
    const arrived = receiver.next('/acme/redeliver');
    const again = await redeliverWebhook(delivery.id, { queue, deliveries });
    const second = await arrived;
    expect(webhookBullJobId(again)).toBe(`${delivery.id}.r1`);
    expect(second.body).toBe(first.body);
    expect(second.headers['reelforge-event-id']).toBe(first.headers['reelforge-event-id']);
    expect(await finished(delivery.id)).toMatchObject({ status: 'delivered', attempt: 2, redelivery: 1 });
    const [secret] = await store.activeSecrets('acme');
    expect(verify(second.body, signature(second), secret!)).toBe(true);
  });

  it('when a redelivery is asked while the delivery is pending, or for an unknown id, then it is refused with a code', async () => {
    const job = await completedJob('acme', receiver.url('/acme/pending'));
    const { delivery } = await deliveries.createPending({ jobId: job.id, owner: 'acme', url: receiver.url('/acme/pending'), eventType: 'transcode.completed', eventId: `evt_p_${job.id}`, payload: { id: 'x' } });
    await expect(redeliverWebhook(delivery.id, { queue, deliveries })).rejects.toMatchObject({ code: 'webhook_delivery_pending' });
    await expect(redeliverWebhook('no-such-delivery', { queue, deliveries })).rejects.toMatchObject({ code: 'webhook_delivery_not_found' });
  });

  it('when Redis lost a redelivery, then the reconciler queues that round again', async () => {
    const { delivery } = await deliver('acme', '/acme/lost');
    const again = (await deliveries.markRedelivering(delivery.id))!;
    await db.pool.query(`UPDATE webhook_deliveries SET created_at = now() - interval '5 minutes' WHERE id = $1`, [delivery.id]);
    const arrived = receiver.next('/acme/lost');
    const report = await new WebhookReconciler({ queue, deliveries, pendingEnqueueGraceMs: 0 }).reconcileOnce();
    expect(report.requeued).toContain(delivery.id);
    await arrived;
    expect(await finished(delivery.id)).toMatchObject({ status: 'delivered', redelivery: again.redelivery });
    expect(await queue.getJob(webhookBullJobId(again))).toBeDefined();
  });
});
