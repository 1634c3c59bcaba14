import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createId } from '@paralleldrive/cuid2';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import { freePort } from '@reelforge/process';
import { startEmbeddedRedis, type EmbeddedRedis } from '@reelforge/queue/embedded';
import { spawnApp, waitForHttpOk, type AppProcess } from '../support/app-process.js';
import { waitFor } from '../support/wait.js';

/** Without the bounded closes the processes would wait forever; any generous limit tells the two apart. */
const EXIT_LIMIT_MS = 45_000;

/**
 * A deploy stops processes whatever state their dependencies are in. With Redis gone, closing a
 * BullMQ connection waits for a reconnect that never comes; the apps must still exit.
 */
describe('SIGTERM while Redis is down', () => {
  let db: TestDatabase;
  let scratch: string;
  let redis: EmbeddedRedis;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'shutdown' });
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-shutdown-'));
    redis = await startEmbeddedRedis({ dataDir: path.join(scratch, 'redis'), appendOnly: false });
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await redis.stop();
    await db.drop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('when the API and a worker get SIGTERM with Redis stopped, then both exit cleanly', async () => {
    const port = await freePort();
    const healthPort = await freePort();
    const env = {
      DATABASE_URL: db.databaseUrl,
      DATABASE_SCHEMA: db.schema,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `rf-${createId().slice(0, 10)}`,
      API_TOKENS: 'shutdown-test-token',
      STORAGE_DIR: path.join(scratch, 'storage'),
      LOG_LEVEL: 'warn',
      PORT: String(port),
      WORKER_HEALTH_PORT: String(healthPort),
      WORKER_SHUTDOWN_GRACE_S: '1',
    };
    const api = await spawnApp('api', env);
    const worker = await spawnApp('worker', env);
    apps.push(api, worker);
    await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, api);
    await waitForHttpOk(`http://127.0.0.1:${healthPort}/healthz`, worker);

    await redis.stop();
    // SIGTERM once both have noticed (their own health answers say so), not after a sleep that may be too short.
    await waitFor('the API and the worker to see Redis gone', async () => {
      const [ready, health] = await Promise.all([fetch(`http://127.0.0.1:${port}/readyz`), fetch(`http://127.0.0.1:${healthPort}/healthz`)]);
      const worker = (await health.json()) as { redis: string };
      const api = (await ready.json()) as { dependencies?: { redis?: { ok: boolean } } };
      return api.dependencies?.redis?.ok === false && worker.redis !== 'ready' ? true : undefined;
    });
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
    const deadline = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), EXIT_LIMIT_MS).unref());
    const [apiExit, workerExit] = await Promise.all([Promise.race([api.exited, deadline]), Promise.race([worker.exited, deadline])]);
    expect({ api: apiExit, worker: workerExit, output: apiExit === 'hung' || workerExit === 'hung' ? api.output() + worker.output() : '' }).toEqual({
      api: { code: 0, signal: null },
      worker: { code: 0, signal: null },
      output: '',
    });
  }, 2 * EXIT_LIMIT_MS);
});
