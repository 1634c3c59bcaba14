import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { loadConfig, type Config } from '@reelforge/config';
import { FilesRepository, JobsRepository, WebhookDeliveriesRepository, ADMIN_OWNER } from '@reelforge/db';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import { freePort } from '@reelforge/process';
import { createRedisConnection, createQueue, type TranscodeQueue } from '@reelforge/queue';
import type { Redis } from 'ioredis';
import { runReconcile } from '../src/commands/reconcile.command.js';

describe('reelforge reconcile', () => {
  let db: TestDatabase;
  let config: Config;
  let connection: Redis;
  let queue: TranscodeQueue;

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'cli_reconcile' });
    config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.databaseUrl,
      DATABASE_SCHEMA: db.schema,
      REDIS_URL: process.env.REELFORGE_TEST_REDIS_URL,
      QUEUE_PREFIX: `rf-cli-${createId().slice(0, 10)}`,
    });
    connection = createRedisConnection(config.redis.url!, 'worker');
    queue = createQueue('transcode', { connection, prefix: config.queue.prefix, attempts: 1 });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await db.drop();
  });

  it('when Redis has lost a queued job, then one run re-enqueues it, says so, and a second run finds nothing to do', async () => {
    const file = await new FilesRepository(db.pool).insert({ owner: ADMIN_OWNER, originalName: 'clip.mp4', sizeBytes: 1, storageKey: `uploads/${createId()}/clip.mp4` });
    const jobs = new JobsRepository(db.pool);
    // What the API leaves behind when Redis forgets the job after accepting it: a row that records `<id>.1`.
    const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: file.id });

    const lines: string[] = [];
    expect(await runReconcile(config, (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([`checked 1 queued/processing job; re-enqueued ${job.id}`, 'checked 0 pending webhook deliveries; nothing to re-queue']);
    expect((await queue.getJob(`${job.id}.1`))?.data).toMatchObject({ jobId: job.id, fileId: file.id, sourceKey: file.storageKey });

    lines.length = 0;
    expect(await runReconcile(config, (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual(['checked 1 queued/processing job; nothing to re-enqueue', 'checked 0 pending webhook deliveries; nothing to re-queue']);
  });

  it('when Redis has lost a pending webhook delivery, then one run queues it again under its delivery id', async () => {
    const file = await new FilesRepository(db.pool).insert({ owner: ADMIN_OWNER, originalName: 'hook.mp4', sizeBytes: 1, storageKey: `uploads/${createId()}/hook.mp4` });
    const jobs = new JobsRepository(db.pool);
    const { job } = await jobs.create({ owner: ADMIN_OWNER, fileId: file.id, webhookUrl: 'https://hooks.example.com/reelforge' });
    await jobs.markCancelled(job.id);
    const deliveries = new WebhookDeliveriesRepository(db.pool);
    const { delivery } = await deliveries.createPending({ jobId: job.id, owner: job.owner, url: 'https://hooks.example.com/reelforge', eventType: 'transcode.cancelled', eventId: `evt_${job.id}`, payload: { id: `evt_${job.id}` } });
    // Older than the grace period a process that is still adding its queue job gets.
    await db.pool.query(`UPDATE webhook_deliveries SET created_at = now() - interval '5 minutes' WHERE id = $1`, [delivery.id]);

    const lines: string[] = [];
    expect(await runReconcile(config, (line) => lines.push(line))).toBe(0);
    expect(lines[1]).toBe(`checked 1 pending webhook delivery; re-queued ${delivery.id}`);
    const webhookQueue = createQueue('webhooks', { connection, prefix: config.queue.prefix, attempts: 1 });
    try {
      expect((await webhookQueue.getJob(delivery.id))?.data).toMatchObject({ deliveryId: delivery.id, eventId: `evt_${job.id}`, url: delivery.url });
    } finally {
      await webhookQueue.obliterate({ force: true });
      await webhookQueue.close();
      await deliveries.markFailed(delivery.id, 'test cleanup');
    }
  });

  it('when Redis cannot be reached, then it exits 3 with the reason instead of waiting', async () => {
    const lines: string[] = [];
    const unreachable = { ...config, redis: { url: `redis://127.0.0.1:${await freePort()}` } };
    expect(await runReconcile(unreachable, (line) => lines.push(line))).toBe(3);
    expect(lines).toEqual([expect.stringMatching(/^error: cannot reach Redis: .*ECONNREFUSED/)]);
  });
});
