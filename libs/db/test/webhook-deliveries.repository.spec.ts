import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_OWNER, FilesRepository, JobsRepository, WebhookDeliveriesRepository, type NewWebhookDelivery } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
let deliveries: WebhookDeliveriesRepository;
let jobId: string;
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'test_deliveries' });
  deliveries = new WebhookDeliveriesRepository(db.pool);
  const file = await new FilesRepository(db.pool).insert({ owner: ADMIN_OWNER, originalName: 'a.mp4', sizeBytes: 1, storageKey: 'uploads/d/a.mp4' });
  jobId = (await new JobsRepository(db.pool).create({ owner: ADMIN_OWNER, fileId: file.id })).job.id;
});

afterAll(async () => {
  await db.drop();
});

const newDelivery = (): NewWebhookDelivery => {
  counter += 1;
  return { jobId, owner: ADMIN_OWNER, url: 'https://hooks.example.com/x', eventType: 'transcode.failed', eventId: `evt_${counter}`, payload: { id: `evt_${counter}` } };
};

describe('WebhookDeliveriesRepository', () => {
  it('when the same event is created twice, then the second call returns the first row', async () => {
    const input = newDelivery();
    const first = await deliveries.createPending(input);
    const second = await deliveries.createPending({ ...input, url: 'https://other.example.com' });
    expect(first).toMatchObject({ created: true, delivery: { status: 'pending', attempt: 0, payload: input.payload } });
    expect(second).toEqual({ created: false, delivery: first.delivery });
  });

  it('when attempts are recorded, then the row follows them and a delivered row stays delivered', async () => {
    const { delivery } = await deliveries.createPending(newDelivery());
    expect(await deliveries.recordAttempt(delivery.id, { attempt: 1, outcome: 'retrying', responseStatus: 503, error: 'HTTP 503' })).toMatchObject({
      status: 'pending',
      attempt: 1,
      responseStatus: 503,
      error: 'HTTP 503',
      deliveredAt: null,
    });
    const delivered = await deliveries.recordAttempt(delivery.id, { attempt: 2, outcome: 'delivered', responseStatus: 200, error: null });
    expect(delivered).toMatchObject({ status: 'delivered', attempt: 2, responseStatus: 200, error: null });
    expect(delivered!.deliveredAt).toBeInstanceOf(Date);
    // A stalled worker reporting its older attempt late cannot undo the delivery.
    expect(await deliveries.recordAttempt(delivery.id, { attempt: 1, outcome: 'failed', responseStatus: null, error: 'late' })).toBeNull();
    expect(await deliveries.findById(delivery.id)).toMatchObject({ status: 'delivered', attempt: 2 });
    expect(await deliveries.markFailed(delivery.id, 'too late')).toBeNull();
  });

  it('when pending rows differ only in microseconds, then paging one at a time reads each once and ends', async () => {
    const rows = [];
    for (let i = 0; i < 3; i += 1) rows.push((await deliveries.createPending(newDelivery())).delivery);
    // Same millisecond, different microseconds: a JS Date cursor cannot tell them apart.
    for (const [i, row] of rows.entries()) {
      await db.pool.query(`UPDATE webhook_deliveries SET created_at = timestamptz '2020-01-01 00:00:00.123' + $2 * interval '1 microsecond' WHERE id = $1`, [row.id, 100 * (i + 1)]);
    }
    const mine = new Set(rows.map((r) => r.id));
    const seen: string[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (let pages = 0; pages < 50; pages += 1) {
      const page = await deliveries.listPending({ createdBefore: new Date('2020-01-02T00:00:00Z'), limit: 1, ...(after ? { after } : {}) });
      if (page.length === 0) break;
      seen.push(...page.map((d) => d.id).filter((id) => mine.has(id)));
      after = page.at(-1)!;
    }
    expect(seen.sort()).toEqual([...mine].sort());
  });

  it('when the queue gave up on a pending delivery, then markFailed records why', async () => {
    const { delivery } = await deliveries.createPending(newDelivery());
    expect(await deliveries.markFailed(delivery.id, 'the queue gave up on this delivery')).toMatchObject({
      status: 'failed',
      error: 'the queue gave up on this delivery',
    });
  });

  it('when the job is deleted, then its deliveries go with it', async () => {
    const file = await new FilesRepository(db.pool).insert({ owner: ADMIN_OWNER, originalName: 'b.mp4', sizeBytes: 1, storageKey: 'uploads/e/b.mp4' });
    const job = (await new JobsRepository(db.pool).create({ owner: ADMIN_OWNER, fileId: file.id })).job;
    await deliveries.createPending({ ...newDelivery(), jobId: job.id });
    await new FilesRepository(db.pool).delete(file.id);
    expect(await deliveries.listForJob(job.id)).toEqual([]);
  });
});
