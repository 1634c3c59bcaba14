import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createId } from '@paralleldrive/cuid2';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@reelforge/config';
import { freePort } from '@reelforge/process';
import { pino } from 'pino';
import { createApiRuntime, type ApiRuntime } from '../src/api.runtime.js';
import { expectProblem } from './support/problem.expect.js';

const API_TOKEN = 'ops-test-token-0123456789abcdef0123';
const METRICS_TOKEN = 'ops-metrics-token-0123456789abcdef';

interface RunningApi {
  baseUrl: string;
  /** Every log line the API wrote, as text. */
  log(): string;
  stop(): Promise<void>;
}

/** The real API built from `env`, on a private queue prefix and storage directory, listening on a free port. */
async function startApi(env: Record<string, string>): Promise<RunningApi> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-ops-'));
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    REDIS_URL: process.env.REELFORGE_TEST_REDIS_URL!,
    QUEUE_PREFIX: `rf-ops-${createId().slice(0, 8)}`,
    API_TOKENS: API_TOKEN,
    EMBEDDED_DIR: scratch,
    STORAGE_DIR: path.join(scratch, 'storage'),
    ...env,
  });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const runtime: ApiRuntime = createApiRuntime(config, pino({ level: 'warn' }, sink));
  const server: Server = await new Promise((resolve) => {
    const s = runtime.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    log: () => lines.join(''),
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await runtime.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

describe('/readyz and /metrics of the API in production', () => {
  let closedPort: number;
  let api: RunningApi;

  beforeAll(async () => {
    // Nothing listens there: the Postgres check fails with the driver's "connect ECONNREFUSED 127.0.0.1:<port>".
    closedPort = await freePort();
    api = await startApi({ NODE_ENV: 'production', DATABASE_URL: `postgres://reelforge@127.0.0.1:${closedPort}/reelforge` });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('when a dependency is down, then /readyz names it with a fixed message and the driver error goes to the log only', async () => {
    const res = await fetch(`${api.baseUrl}/readyz`);
    const text = await res.clone().text();

    const body = await expectProblem(res, 503, 'service_unavailable');
    expect(body.detail).toMatch(/^Not ready: (.+, )?postgres(, .+)? unavailable\.$/);
    const { dependencies } = body as unknown as { dependencies: Record<string, { ok: boolean; error?: string }> };
    expect(Object.keys(dependencies).sort()).toEqual(['postgres', 'redis', 'storage']);
    expect(dependencies.postgres).toEqual({ ok: false, error: 'unavailable' });
    // Redis may still be connecting; whatever a check answered, a failure reads the same.
    for (const status of Object.values(dependencies)) expect([{ ok: true }, { ok: false, error: 'unavailable' }]).toContainEqual(status);
    for (const leak of ['127.0.0.1', String(closedPort), 'ECONNREFUSED', 'reelforge@']) expect(text).not.toContain(leak);
    expect(api.log()).toMatch(new RegExp(`readiness check failed.*ECONNREFUSED 127\\.0\\.0\\.1:${closedPort}|ECONNREFUSED 127\\.0\\.0\\.1:${closedPort}.*readiness check failed`));
  });

  it('when METRICS_TOKEN is not set, then /metrics is off with a 404 metrics_disabled problem', async () => {
    const res = await fetch(`${api.baseUrl}/metrics`, { headers: { authorization: `Bearer ${API_TOKEN}` } });

    const body = await expectProblem(res, 404, 'metrics_disabled');
    expect(body.detail).toMatch(/METRICS_TOKEN/);
  });
});

describe('/metrics of the API with METRICS_TOKEN, and outside production', () => {
  let production: RunningApi;
  let development: RunningApi;

  beforeAll(async () => {
    const databaseUrl = process.env.REELFORGE_TEST_DATABASE_URL!;
    production = await startApi({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, METRICS_TOKEN });
    development = await startApi({ NODE_ENV: 'development', DATABASE_URL: databaseUrl });
  });
  afterAll(async () => {
    await production?.stop();
    await development?.stop();
  });

  it('when production has METRICS_TOKEN, then a scrape needs exactly that bearer token', async () => {
    await expectProblem(await fetch(`${production.baseUrl}/metrics`), 401, 'unauthorized');
    await expectProblem(await fetch(`${production.baseUrl}/metrics`, { headers: { authorization: `Bearer ${API_TOKEN}` } }), 401, 'unauthorized');
    const res = await fetch(`${production.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('reelforge_http_request_duration_seconds');
  });

  it('when development has no METRICS_TOKEN, then /metrics stays open as before', async () => {
    const res = await fetch(`${development.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
