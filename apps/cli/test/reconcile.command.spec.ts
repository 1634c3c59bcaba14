import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { loadConfig, type Config } from '@reelforge/config';
import { FilesRepository, JobsRepository } from '@reelforge/db';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import { createRedisConnection, createTranscodeQueue, freePort, type TranscodeQueue } from '@reelforge/queue';
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
    queue = createTranscodeQueue({ connection, prefix: config.queue.prefix, attempts: 1 });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await db.drop();
  });

  it('when Redis has lost a queued job, then one run re-enqueues it, says so, and a second run finds nothing to do', async () => {
    const file = await new FilesRepository(db.pool).insert({ originalName: 'clip.mp4', sizeBytes: 1, storageKey: `uploads/${createId()}/clip.mp4` });
    const jobs = new JobsRepository(db.pool);
    const { job } = await jobs.create({ fileId: file.id });
    // What the API leaves behind when Redis forgets the job after accepting it.
    await jobs.setBullmqJobId(job.id, `${job.id}.1`);

    const lines: string[] = [];
    expect(await runReconcile(config, (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([`checked 1 queued/processing job; re-enqueued ${job.id}`]);
    expect((await queue.getJob(`${job.id}.1`))?.data).toMatchObject({ jobId: job.id, fileId: file.id, sourceKey: file.storageKey });

    lines.length = 0;
    expect(await runReconcile(config, (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual(['checked 1 queued/processing job; nothing to re-enqueue']);
  });

  it('when Redis cannot be reached, then it exits 3 with the reason instead of waiting', async () => {
    const lines: string[] = [];
    const unreachable = { ...config, redis: { url: `redis://127.0.0.1:${await freePort()}` } };
    expect(await runReconcile(unreachable, (line) => lines.push(line))).toBe(3);
    expect(lines).toEqual([expect.stringMatching(/^error: cannot reach Redis: .*ECONNREFUSED/)]);
  });
});
