import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_OWNER, WebhookDeliveriesRepository, type WebhookDelivery } from '@reelforge/db';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { createRedisConnection, createWorker } from '@reelforge/queue';
import { createSigningSecrets, createWebhookProcessor, verifyWebhookSignature, webhookBackoffStrategy, WebhookEventSchema } from '@reelforge/webhooks';
import { startWebhookReceiver, type WebhookReceiver } from '@reelforge/webhooks/testing';
import { pino } from 'pino';
import { auth, getStatus, submitTranscode, uploadFile, waitForSettled } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

const SECRET = 'whsec-e2e-0123456789abcdef';

async function delivered(stack: TestStack, jobId: string): Promise<WebhookDelivery> {
  const deliveries = new WebhookDeliveriesRepository(stack.db.pool);
  return waitFor('a finished webhook delivery', async () => {
    const [delivery] = await deliveries.listForJob(jobId);
    return delivery && delivery.status !== 'pending' ? delivery : undefined;
  });
}

describe('signed webhooks from a real transcode', () => {
  let stack: TestStack;
  let receiver: WebhookReceiver;
  let source: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver((_req, res) => res.writeHead(204).end());
    stack = await startTestStack({ env: { WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } });
    source = await makeFixture('small-360p', { durationS: 2 });
  });
  afterAll(async () => {
    await stack.stop();
    await receiver.close();
    await cleanupFixtures();
  });

  it('when an administrator\'s job with a webhookUrl completes, then the receiver gets one transcode.completed event for @admin, verifiable with WEBHOOK_SECRET', async () => {
    const { fileId } = (await (await uploadFile(stack.baseUrl, source)).json()) as { fileId: string };
    const arrived = receiver.next('/hooks/reelforge');
    const submit = await submitTranscode(stack.baseUrl, { fileId, webhookUrl: receiver.url('/hooks/reelforge') });
    const { jobId } = (await submit.json()) as { jobId: string };
    const status = await waitForSettled(stack.baseUrl, fileId);
    expect(status.status).toBe('completed');

    const request = await arrived;
    const signature = request.headers['reelforge-signature'] as string;
    expect(verifyWebhookSignature({ secret: SECRET, rawBody: request.body, header: signature })).toBe(true);
    expect(verifyWebhookSignature({ secret: 'not-the-secret-0123', rawBody: request.body, header: signature })).toBe(false);
    const event = WebhookEventSchema.parse(JSON.parse(request.body));
    expect(event).toMatchObject({
      type: 'transcode.completed',
      owner: ADMIN_OWNER,
      data: { jobId, fileId, status: 'completed', hlsUrl: status.hlsUrl, error: null },
    });
    expect(event.data.renditions.map((r) => r.name)).toEqual(status.renditions.map((r) => r.name));

    expect(await delivered(stack, jobId)).toMatchObject({ status: 'delivered', attempt: 1, responseStatus: 204, eventId: event.id });
    expect(receiver.requests.filter((r) => r.url === '/hooks/reelforge')).toHaveLength(1);
  });

  it('when a request names webhookEvents with transcode.playable, then the receiver also hears when the job became playable, while it ran', async () => {
    const { fileId } = (await (await uploadFile(stack.baseUrl, source)).json()) as { fileId: string };
    const refused = await submitTranscode(stack.baseUrl, { fileId, webhookUrl: receiver.url('/hooks/progressive'), webhookEvents: ['transcode.started'] });
    expect(refused.status).toBe(400);
    const submit = await submitTranscode(stack.baseUrl, {
      fileId,
      webhookUrl: receiver.url('/hooks/progressive'),
      webhookEvents: ['transcode.playable', 'transcode.completed'],
    });
    const { jobId } = (await submit.json()) as { jobId: string };
    const status = await waitForSettled(stack.baseUrl, fileId);
    expect(status.status).toBe('completed');

    const bodies = await waitFor('both events', async () => {
      const received = receiver.requests.filter((r) => r.url === '/hooks/progressive');
      return received.length === 2 ? received.map((r) => WebhookEventSchema.parse(JSON.parse(r.body))) : undefined;
    });
    const byType = Object.fromEntries(bodies.map((event) => [event.type, event]));
    expect(Object.keys(byType).sort()).toEqual(['transcode.completed', 'transcode.playable']);
    expect(byType['transcode.playable']).toMatchObject({ data: { jobId, fileId, status: 'processing', hlsUrl: status.hlsUrl, error: null } });
    expect(byType['transcode.playable']!.createdAt <= byType['transcode.completed']!.createdAt).toBe(true);
    expect(byType['transcode.playable']!.id).not.toBe(byType['transcode.completed']!.id);
  });

  it('when the job fails, then the receiver gets transcode.failed with the error', async () => {
    const { fileId } = (await (await uploadFile(stack.baseUrl, await makeFixture('corrupt'))).json()) as { fileId: string };
    const arrived = receiver.next('/hooks/failed');
    await submitTranscode(stack.baseUrl, { fileId, webhookUrl: receiver.url('/hooks/failed') });
    const status = await waitForSettled(stack.baseUrl, fileId);
    expect(status.status).toBe('failed');
    const request = await arrived;
    expect(verifyWebhookSignature({ secret: SECRET, rawBody: request.body, header: request.headers['reelforge-signature'] as string })).toBe(true);
    expect(JSON.parse(request.body)).toMatchObject({
      type: 'transcode.failed',
      data: { fileId, status: 'failed', hlsUrl: null, renditions: [], error: { code: 'invalid_media', message: status.error!.message } },
    });
  });
});

describe('webhooks for jobs cancelled through the API', () => {
  let stack: TestStack;
  let receiver: WebhookReceiver;
  let stopDeliveries: () => Promise<void>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver((_req, res) => res.writeHead(200).end());
    // No transcode worker, so the job stays queued until it is cancelled; deliveries run the way the worker runs them.
    stack = await startTestStack({ worker: false, env: { WEBHOOK_SECRET: SECRET, WEBHOOK_DEFAULT_URL: receiver.url('/default') } });
    const connection = createRedisConnection(stack.config.redis.url!, 'worker');
    const deliveries = new WebhookDeliveriesRepository(stack.db.pool);
    const worker = createWorker('webhooks', createWebhookProcessor({ deliveries, signingSecrets: createSigningSecrets({ adminSecret: SECRET, owners: undefined }), timeoutMs: 2_000, allowPrivateNetworks: true, logger: pino({ level: 'silent' }) }), {
      connection,
      prefix: stack.config.queue.prefix,
      concurrency: 4,
      backoffStrategy: webhookBackoffStrategy(stack.config.webhooks),
    });
    stopDeliveries = async () => {
      await worker.close();
      connection.disconnect();
    };
  });
  afterAll(async () => {
    await stopDeliveries();
    await stack.stop();
    await receiver.close();
    await cleanupFixtures();
  });

  it('when a queued job is cancelled, then WEBHOOK_DEFAULT_URL receives transcode.cancelled once', async () => {
    const source = await makeFixture('tiny-240p', { durationS: 1 });
    const { fileId } = (await (await uploadFile(stack.baseUrl, source)).json()) as { fileId: string };
    const { jobId } = (await (await submitTranscode(stack.baseUrl, { fileId })).json()) as { jobId: string };
    const arrived = receiver.next('/default');
    const cancel = await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}/cancel`, { method: 'POST', headers: auth });
    expect(cancel.status).toBe(202);

    const request = await arrived;
    expect(verifyWebhookSignature({ secret: SECRET, rawBody: request.body, header: request.headers['reelforge-signature'] as string })).toBe(true);
    expect(JSON.parse(request.body)).toMatchObject({ type: 'transcode.cancelled', data: { jobId, fileId, status: 'cancelled', hlsUrl: null } });
    expect(await delivered(stack, jobId)).toMatchObject({ status: 'delivered', eventType: 'transcode.cancelled' });

    // Cancelling again changes nothing and announces nothing.
    expect((await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}/cancel`, { method: 'POST', headers: auth })).status).toBe(200);
    expect((await getStatus(stack.baseUrl, fileId)).status).toBe('cancelled');
    expect(await new WebhookDeliveriesRepository(stack.db.pool).listForJob(jobId)).toHaveLength(1);
  });
});
