import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { MetricsAccess } from '@reelforge/config';
import { Counter, Registry } from 'prom-client';
import { startHealthServer } from '../src/health.server.js';

const TOKEN = 'worker-metrics-token-0123456789abcdef';

describe('GET /metrics on the worker health port', () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function start(access: MetricsAccess): Promise<string> {
    const registry = new Registry();
    new Counter({ name: 'reelforge_test_total', help: 'a metric to find in the scrape', registers: [registry] }).inc();
    server = await startHealthServer(0, { running: () => true, redisStatus: () => 'ready', activeJobs: () => 0 }, { registry, access });
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  async function problemOf(res: Response): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
  }

  it('when production has no METRICS_TOKEN (off), then /metrics is a 404 metrics_disabled problem and /healthz still answers', async () => {
    const base = await start({ mode: 'off' });

    expect(await problemOf(await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }))).toEqual({
      status: 404,
      type: 'application/problem+json',
      body: {
        type: 'https://reelforge.dev/problems/metrics-disabled',
        title: 'Not Found',
        status: 404,
        detail: 'Metrics are off: in production /metrics is served only when METRICS_TOKEN is set.',
        code: 'metrics_disabled',
      },
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('when METRICS_TOKEN is set, then a scrape needs exactly that bearer token', async () => {
    const base = await start({ mode: 'token', token: TOKEN });

    const refused = await problemOf(await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer not-the-token' } }));
    expect(refused).toMatchObject({ status: 401, type: 'application/problem+json', body: { code: 'unauthorized' } });
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('reelforge_test_total 1');
  });

  it('when development or test has no METRICS_TOKEN (open), then anyone may scrape', async () => {
    const base = await start({ mode: 'open' });

    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('reelforge_test_total 1');
  });
});
