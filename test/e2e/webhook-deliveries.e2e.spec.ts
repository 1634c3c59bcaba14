import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiKeysRepository, WebhookSecretsRepository } from '@reelforge/db';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { createRedisConnection } from '@reelforge/queue';
import { operatorKey, OwnerSecretsStore, verifyWebhookSignature } from '@reelforge/webhooks';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '@reelforge/webhooks/testing';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { createWebhookRuntime, type WebhookRuntime } from '../../apps/worker/src/webhooks/webhook.runtime.js';
import { WebhookDeliveriesPageSchema, WebhookDeliveryViewSchema, type WebhookDeliveriesPage } from '../../apps/api/src/webhooks/webhook-deliveries.schema.js';
import { clientCommand } from '../../apps/cli/src/commands/client.commands.js';
import { captureIo } from '../../apps/cli/test/support.io.js';
import { auth, bearer, submitTranscode, uploadFile } from '../support/http.js';
import { startTestStack, TEST_TOKEN, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

const ADMIN_SECRET = 'whsec-e2e-admin-0123456789abcdef';

describe('webhook delivery log and redelivery, per owner', () => {
  let stack: TestStack;
  let receiver: WebhookReceiver;
  let connection: Redis;
  let webhooks: WebhookRuntime;
  let store: OwnerSecretsStore;
  let source: string;
  let alice: Record<string, string>;
  let bob: Record<string, string>;

  const log = async (headers: Record<string, string>, query = ''): Promise<WebhookDeliveriesPage> => {
    const res = await fetch(`${stack.baseUrl}/api/webhooks/deliveries${query}`, { headers });
    expect(res.status).toBe(200);
    return WebhookDeliveriesPageSchema.parse(await res.json());
  };
  const redeliver = (headers: Record<string, string>, deliveryId: string) =>
    fetch(`${stack.baseUrl}/api/webhooks/deliveries/${deliveryId}/redeliver`, { method: 'POST', headers });
  /** A job of this caller cancelled through the API, announcing itself to the receiver at `path`. */
  const cancelledJob = async (headers: Record<string, string>, path: string): Promise<string> => {
    const { fileId } = (await (await uploadFile(stack.baseUrl, source, 'clip.mp4', headers)).json()) as { fileId: string };
    const submitted = await submitTranscode(stack.baseUrl, { fileId, webhookUrl: receiver.url(path) }, headers);
    expect(submitted.status).toBe(202);
    const { jobId } = (await submitted.json()) as { jobId: string };
    expect((await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}/cancel`, { method: 'POST', headers })).status).toBe(202);
    return jobId;
  };
  const settledDelivery = (headers: Record<string, string>, jobId: string) =>
    waitFor('a settled delivery in the log', async () => (await log(headers)).items.find((d) => d.jobId === jobId && d.status !== 'pending'));
  const signature = (request: ReceivedRequest) => request.headers['reelforge-signature'] as string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver((_req, res) => res.writeHead(204).end());
    // No transcode worker: jobs stay queued until cancelled; the worker's real webhook runtime delivers.
    stack = await startTestStack({
      worker: false,
      env: { WEBHOOK_SECRET: ADMIN_SECRET, WEBHOOK_SECRETS_KEY: randomBytes(32).toString('hex'), WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' },
    });
    connection = createRedisConnection(stack.config.redis.url!, 'worker');
    webhooks = await createWebhookRuntime(stack.config, { db: stack.db.pool, storage: stack.storage, connection, logger: pino({ level: 'silent' }) });
    store = new OwnerSecretsStore(new WebhookSecretsRepository(stack.db.pool), stack.config.webhooks.secretsKeys.map(operatorKey));
    const keys = new ApiKeysRepository(stack.db.pool);
    alice = bearer((await keys.create({ owner: 'alice' })).token);
    bob = bearer((await keys.create({ owner: 'bob' })).token);
    source = await makeFixture('tiny-240p', { durationS: 1 });
  });
  afterAll(async () => {
    await webhooks.close();
    connection.disconnect();
    await stack.stop();
    await receiver.close();
    await cleanupFixtures();
  });

  it("when each owner's job ends, then the owner with a secret gets a signed event, the one without gets none, and each log shows only its own", async () => {
    const aliceSecret = (await store.create('alice'))!.secret;
    const arrived = receiver.next('/alice');
    const aliceJob = await cancelledJob(alice, '/alice');
    const bobJob = await cancelledJob(bob, '/bob');

    const request = await arrived;
    expect(JSON.parse(request.body)).toMatchObject({ type: 'transcode.cancelled', owner: 'alice', data: { jobId: aliceJob } });
    expect(verifyWebhookSignature({ secret: aliceSecret, rawBody: request.body, header: signature(request) })).toBe(true);
    expect(verifyWebhookSignature({ secret: ADMIN_SECRET, rawBody: request.body, header: signature(request) })).toBe(false);

    expect(await settledDelivery(alice, aliceJob)).toMatchObject({ owner: 'alice', status: 'delivered', attempt: 1, attempts: [{ attempt: 1, outcome: 'delivered', responseStatus: 204 }] });
    const bobs = await settledDelivery(bob, bobJob);
    expect(bobs).toMatchObject({ owner: 'bob', status: 'failed', attempts: [{ attempt: 1, outcome: 'failed', responseStatus: null }] });
    expect(bobs.error).toMatch(/^webhook_secret_missing: owner "bob" has no webhook signing secret/);
    expect(receiver.requests.filter((r) => r.url === '/bob')).toEqual([]);

    expect((await log(alice)).items.map((d) => d.owner)).toEqual(['alice']);
    expect((await log(bob)).items.map((d) => d.owner)).toEqual(['bob']);
    expect((await log(alice, '?owner=bob')).items).toEqual([]);
    expect(new Set((await log(auth)).items.map((d) => d.owner))).toEqual(new Set(['alice', 'bob']));
    expect((await log(auth, '?owner=bob&status=failed')).items.map((d) => d.jobId)).toEqual([bobJob]);
  });

  it('when the log is longer than a page, then the cursor walks it; a foreign cursor or parameter is a 400', async () => {
    const first = await log(auth, '?limit=1');
    expect(first.items).toHaveLength(1);
    const second = await log(auth, `?limit=1&cursor=${first.nextCursor}`);
    expect(second.items[0]!.deliveryId).not.toBe(first.items[0]!.deliveryId);
    const foreign = await fetch(`${stack.baseUrl}/api/webhooks/deliveries?cursor=bm90LWEtY3Vyc29y`, { headers: auth });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ code: 'invalid_cursor' });
    expect((await fetch(`${stack.baseUrl}/api/webhooks/deliveries?state=failed`, { headers: auth })).status).toBe(400);
  });

  it("when bob gets a secret and redelivers, then the same event arrives signed with it; alice cannot see or redeliver bob's delivery", async () => {
    const [failed] = (await log(bob, '?status=failed')).items;
    const stranger = await redeliver(alice, failed!.deliveryId);
    expect(stranger.status).toBe(404);
    expect(await stranger.json()).toMatchObject({ code: 'webhook_delivery_not_found' });

    const bobSecret = (await store.create('bob'))!.secret;
    const arrived = receiver.next('/bob');
    const accepted = await redeliver(bob, failed!.deliveryId);
    expect(accepted.status).toBe(202);
    expect(WebhookDeliveryViewSchema.parse(await accepted.json())).toMatchObject({ deliveryId: failed!.deliveryId, status: 'pending', redelivery: 1 });
    const request = await arrived;
    expect(JSON.parse(request.body)).toMatchObject({ id: failed!.eventId, owner: 'bob' });
    expect(request.headers['reelforge-delivery-attempt']).toBe('2');
    expect(verifyWebhookSignature({ secret: bobSecret, rawBody: request.body, header: signature(request) })).toBe(true);
    const after = await waitFor('the redelivery recorded', async () => (await log(bob)).items.find((d) => d.deliveryId === failed!.deliveryId && d.status === 'delivered'));
    expect(after.attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'delivered'],
    ]);
  });

  it('when an administrator redelivers any owner’s delivery, then it is accepted; unknown and malformed ids are 404 and 400', async () => {
    const [delivered] = (await log(alice, '?status=delivered')).items;
    const arrived = receiver.next('/alice');
    expect((await redeliver(auth, delivered!.deliveryId)).status).toBe(202);
    await arrived;
    const unknown = await redeliver(auth, 'nosuchdelivery');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'webhook_delivery_not_found' });
    expect((await redeliver(auth, 'Not-An-Id!')).status).toBe(400);
  });

  it('when the CLI lists and redelivers, then it goes through the same routes with the same scoping', async () => {
    const cli = async (argv: string[], token = TEST_TOKEN) => {
      const io = captureIo({ REELFORGE_SERVER: stack.baseUrl, REELFORGE_TOKEN: token });
      const code = await clientCommand(argv[0])!(argv.slice(1), io);
      return { code, stdout: io.out(), stderr: io.err() };
    };
    const listed = await cli(['webhooks', 'deliveries', '--owner', 'bob', '--json']);
    expect(listed.code).toBe(0);
    const page = WebhookDeliveriesPageSchema.parse(JSON.parse(listed.stdout));
    expect(page.items.every((d) => d.owner === 'bob')).toBe(true);
    expect((await cli(['webhooks', 'deliveries'])).stdout).toMatch(/^DELIVERY +OWNER +EVENT/);

    const target = page.items[0]!;
    const arrived = receiver.next('/bob');
    const again = await cli(['webhooks', 'redeliver', target.deliveryId]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/is queued again/);
    await arrived;
    const aliceToken = alice.authorization!.replace('Bearer ', '');
    const refused = await cli(['webhooks', 'redeliver', target.deliveryId, '--json'], aliceToken);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'webhook_delivery_not_found' } });
  });

  it('when owners have secrets but WEBHOOK_SECRETS_KEY is missing, then a production worker refuses to start; elsewhere it starts and warns', async () => {
    const withoutKey = { ...stack.config, webhooks: { ...stack.config.webhooks, secretsKeys: [] } };
    const deps = { db: stack.db.pool, storage: stack.storage, connection, logger: pino({ level: 'silent' }) };
    await expect(createWebhookRuntime({ ...withoutKey, env: 'production' }, deps)).rejects.toMatchObject({
      code: 'webhook_secret_key_invalid',
      message: expect.stringMatching(/WEBHOOK_SECRETS_KEY: is not set, yet owners have webhook secrets/),
    });
    const ownConnection = createRedisConnection(stack.config.redis.url!, 'worker');
    const development = await createWebhookRuntime(withoutKey, { ...deps, connection: ownConnection });
    await development.close();
    ownConnection.disconnect();
  });
});
