import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FilesRepository, JobsRepository, WebhookDeliveriesRepository, type WebhookDelivery } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
let deliveries: WebhookDeliveriesRepository;
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'test_delivery_log' });
  deliveries = new WebhookDeliveriesRepository(db.pool);
});

afterAll(async () => {
  await db.drop();
});

async function deliveryOf(owner: string): Promise<WebhookDelivery> {
  counter += 1;
  const file = await new FilesRepository(db.pool).insert({ owner, originalName: 'a.mp4', sizeBytes: 1, storageKey: `uploads/${owner}-${counter}/source` });
  const { job } = await new JobsRepository(db.pool).create({ owner, fileId: file.id });
  const eventId = `evt_log_${counter}`;
  return (await deliveries.createPending({ jobId: job.id, owner, url: 'https://hooks.example.com/x', eventType: 'transcode.failed', eventId, payload: { id: eventId } })).delivery;
}

describe('the webhook delivery log', () => {
  it('when listed for an owner, then only its deliveries come, newest first, a page at a time, each with its attempts', async () => {
    const mine = [await deliveryOf('log-a'), await deliveryOf('log-a'), await deliveryOf('log-a')];
    await deliveryOf('log-b');
    await deliveries.recordAttempt(mine[0]!.id, { attempt: 1, outcome: 'retrying', responseStatus: 503, error: 'HTTP 503' });
    await deliveries.recordAttempt(mine[0]!.id, { attempt: 2, outcome: 'delivered', responseStatus: 204, error: null });

    const first = await deliveries.list({ owner: 'log-a', limit: 2 });
    expect(first.items.map((d) => d.id)).toEqual([mine[2]!.id, mine[1]!.id]);
    expect(first.nextCursor).not.toBeNull();
    const second = await deliveries.list({ owner: 'log-a', limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((d) => d.id)).toEqual([mine[0]!.id]);
    expect(second.nextCursor).toBeNull();
    expect(second.items[0]).toMatchObject({ owner: 'log-a', status: 'delivered', attempt: 2 });
    expect(second.items[0]!.attempts).toEqual([
      { attempt: 1, at: expect.any(Date), outcome: 'retrying', responseStatus: 503, error: 'HTTP 503' },
      { attempt: 2, at: expect.any(Date), outcome: 'delivered', responseStatus: 204, error: null },
    ]);
  });

  it('when listed without an owner, then every owner is there; a status narrows it', async () => {
    const failed = await deliveryOf('log-c');
    await deliveries.recordAttempt(failed.id, { attempt: 1, outcome: 'failed', responseStatus: null, error: 'webhook_secret_missing: no secret' });
    const all = await deliveries.list({ limit: 100 });
    expect(new Set(all.items.map((d) => d.owner))).toEqual(new Set(['log-a', 'log-b', 'log-c']));
    expect((await deliveries.list({ status: 'failed', limit: 100 })).items.map((d) => d.id)).toEqual([failed.id]);
    await expect(deliveries.list({ limit: 10, cursor: 'not-a-cursor!' })).rejects.toMatchObject({ code: 'invalid_cursor' });
  });

  it('when a finished delivery is redelivered, then it is pending again with its round counted; a pending one is not', async () => {
    const delivery = await deliveryOf('log-d');
    expect(await deliveries.markRedelivering(delivery.id)).toBeNull();
    await deliveries.recordAttempt(delivery.id, { attempt: 1, outcome: 'delivered', responseStatus: 200, error: null });
    const again = await deliveries.markRedelivering(delivery.id);
    expect(again).toMatchObject({ status: 'pending', redelivery: 1, attempt: 1, deliveredAt: null });
    await deliveries.recordAttempt(delivery.id, { attempt: 2, outcome: 'delivered', responseStatus: 200, error: null });
    const [entry] = (await deliveries.list({ owner: 'log-d', limit: 1 })).items;
    expect(entry!.attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(await deliveries.markRedelivering('no-such-delivery')).toBeNull();
  });
});
