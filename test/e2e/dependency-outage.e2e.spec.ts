import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { startEmbeddedRedis, type EmbeddedRedis } from '@reelforge/queue/embedded';
import { auth, submitTranscode, uploadFile, waitForSettled } from '../support/http.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

interface Problem {
  status: number;
  code: string;
  detail: string;
  dependencies?: Record<string, { ok: boolean }>;
}

/**
 * Redis and Postgres going away for a while under a running API and worker. Redis is a private
 * redis-server that the test stops and restarts on the same port; Postgres is the shared server
 * seen through a TCP proxy the test closes and reopens, so only this stack loses it.
 */
describe('Redis or Postgres unavailable for a while', () => {
  let dataDir: string;
  let redis: EmbeddedRedis;
  let redisPort: number;
  let pgProxy: TcpProxy;
  let stack: TestStack;
  let clip: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-outage-'));
    redis = await startEmbeddedRedis({ dataDir, appendOnly: false });
    redisPort = Number(new URL(redis.url).port);
    const pgUrl = new URL(process.env.REELFORGE_TEST_DATABASE_URL!);
    pgProxy = await startTcpProxy({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
    const proxied = new URL(pgUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(pgProxy.port);
    stack = await startTestStack({ env: { REDIS_URL: redis.url, DATABASE_URL: proxied.toString() } });
    clip = await makeFixture('small-360p', { durationS: 2 });
  });
  afterAll(async () => {
    await pgProxy.open().catch(() => undefined);
    await stack.stop();
    await pgProxy.stop();
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
    await cleanupFixtures();
  });

  const readyz = async () => {
    const res = await fetch(`${stack.baseUrl}/readyz`);
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Problem };
  };
  const submit = async (fileId: string) => {
    const res = await submitTranscode(stack.baseUrl, { fileId });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Problem & { jobId: string } };
  };
  const untilReady = () => waitFor('/readyz to answer 200 again', async () => ((await readyz()).status === 200 ? true : undefined), { timeoutMs: 20_000, intervalMs: 200 });
  const upload = async () => ((await (await uploadFile(stack.baseUrl, clip)).json()) as { fileId: string }).fileId;

  it('when Redis is down, then /readyz and writes answer 503 problem+json, and both recover by themselves when it is back; so does the worker', async () => {
    const fileId = await upload();
    // ioredis announces each reconnect it schedules: the first when the connection drops, one more per failed attempt.
    let reconnects = 0;
    const countReconnect = () => (reconnects += 1);
    stack.worker!.connection.on('reconnecting', countReconnect);
    await redis.stop();

    const notReady = await readyz();
    expect(notReady.status).toBe(503);
    expect(notReady.type).toMatch(/^application\/problem\+json/);
    expect(notReady.body).toMatchObject({ code: 'service_unavailable', dependencies: { redis: { ok: false }, postgres: { ok: true } } });
    expect(notReady.body.detail).toMatch(/redis/);
    const refused = await submit(fileId);
    expect(refused).toMatchObject({ status: 503, body: { code: 'service_unavailable' } });
    expect(refused.type).toMatch(/^application\/problem\+json/);
    // Nothing was written for the refused request, and the process is still serving.
    const rows = await stack.db.pool.query('SELECT 1 FROM transcoding_jobs WHERE file_id = $1', [fileId]);
    expect(rows.rowCount).toBe(0);
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    // Down for a while: the worker's connection goes through several failed reconnects before Redis
    // returns (counted, not slept for: a sleep says nothing about how many attempts fit in it).
    await waitFor('the worker to fail to reconnect three times', async () => (reconnects >= 4 ? true : undefined));
    stack.worker!.connection.off('reconnecting', countReconnect);

    redis = await startEmbeddedRedis({ dataDir, port: redisPort, appendOnly: false });
    await untilReady();
    const accepted = await submit(fileId);
    expect(accepted.status).toBe(202);
    // The worker reconnected on its own and takes the new job.
    expect(await waitForSettled(stack.baseUrl, fileId, { timeoutMs: 30_000 })).toMatchObject({ status: 'completed' });
  });

  it('when Postgres is unreachable, then /readyz, reads and writes answer 503 problem+json, and the API recovers when it is back', async () => {
    const fileId = await upload();
    await pgProxy.close();

    const notReady = await readyz();
    expect(notReady).toMatchObject({ status: 503, body: { code: 'service_unavailable', dependencies: { postgres: { ok: false }, redis: { ok: true } } } });
    expect(notReady.body.detail).toMatch(/postgres/);
    const refused = await submit(fileId);
    expect(refused).toMatchObject({ status: 503, body: { code: 'service_unavailable' } });
    expect(refused.type).toMatch(/^application\/problem\+json/);
    // The driver's own error stays in the log; the client gets a message it can act on.
    expect(refused.body.detail).toBe('A service this request needs (database or queue) is unavailable; retry shortly.');
    const read = await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}`, { headers: auth });
    expect(read.status).toBe(503);
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);

    await pgProxy.open();
    await untilReady();
    expect((await submit(fileId)).status).toBe(202);
    expect(await waitForSettled(stack.baseUrl, fileId, { timeoutMs: 30_000 })).toMatchObject({ status: 'completed' });
  });
});
