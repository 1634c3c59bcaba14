import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@reelforge/config';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { pino } from 'pino';
import { createApiRuntime } from '../../apps/api/src/api.runtime.js';
import { startHealthServer } from '../../apps/worker/src/health.server.js';
import { auth, getStatus, submitTranscode, uploadFile, waitForSettled } from '../support/http.js';
import { parsePrometheusText, type Exposition } from '../support/prometheus.parser.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const METRICS_TOKEN = 'metrics-token-0123456789';
const bearer = { authorization: `Bearer ${METRICS_TOKEN}` };

async function scrape(url: string): Promise<Exposition> {
  const res = await fetch(url, { headers: bearer });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

describe('/metrics on the API and on the worker health port', () => {
  let stack: TestStack;
  let health: Server;
  let workerMetricsUrl: string;
  let fileId: string;
  let busyWhileRunning: number[];

  beforeAll(async () => {
    stack = await startTestStack({ env: { METRICS_TOKEN } });
    health = await startHealthServer(
      0,
      { running: () => true, redisStatus: () => 'ready', activeJobs: () => stack.worker!.activeJobIds().length },
      { registry: stack.worker!.metrics.registry, access: stack.config.metrics },
    );
    workerMetricsUrl = `http://127.0.0.1:${(health.address() as { port: number }).port}/metrics`;

    const upload = await uploadFile(stack.baseUrl, await makeFixture('tiny-240p', { durationS: 2 }), 'metrics.mp4');
    ({ fileId } = (await upload.json()) as { fileId: string });
    expect((await submitTranscode(stack.baseUrl, { fileId })).status).toBe(202);
    busyWhileRunning = [];
    await waitForSettled(stack.baseUrl, fileId, {
      onSample: async (sample) => {
        if (sample.status === 'processing') busyWhileRunning.push((await scrape(workerMetricsUrl)).value('reelforge_worker_busy_ratio')!);
      },
    });
    expect((await getStatus(stack.baseUrl, fileId)).status).toBe('completed');
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => health.close(() => resolve()));
    await stack.stop();
    await cleanupFixtures();
  });

  it('when METRICS_TOKEN is set, then both endpoints refuse a scrape without it', async () => {
    for (const url of [`${stack.baseUrl}/metrics`, workerMetricsUrl]) {
      const res = await fetch(url);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await fetch(url, { headers: auth })).toHaveProperty('status', 401);
    }
  });

  it('when the API is scraped, then it reports jobs by status, queue depth and requests by route pattern', async () => {
    const api = await scrape(`${stack.baseUrl}/metrics`);
    expect(api.value('reelforge_jobs', { status: 'completed' })).toBe(1);
    for (const status of ['queued', 'processing', 'failed', 'cancelled']) expect(api.value('reelforge_jobs', { status })).toBe(0);
    expect(api.value('reelforge_queue_jobs', { queue: 'transcode', state: 'completed' })).toBe(1);
    expect(api.value('reelforge_queue_jobs', { queue: 'transcode', state: 'waiting' })).toBe(0);
    expect(api.value('reelforge_metrics_source_up', { source: 'postgres' })).toBe(1);
    expect(api.value('reelforge_metrics_source_up', { source: 'redis' })).toBe(1);
    expect(api.value('reelforge_sse_streams')).toBe(0);

    const requests = (labels: Record<string, string>) => api.value('reelforge_http_request_duration_seconds_count', labels);
    expect(requests({ method: 'POST', route: '/api/media/upload', status_code: '201' })).toBe(1);
    expect(requests({ method: 'POST', route: '/api/media/transcode', status_code: '202' })).toBe(1);
    expect(requests({ method: 'GET', route: '/api/media/transcode/:fileId', status_code: '200' })).toBeGreaterThan(1);
    // Paths are reduced to their patterns: no id ever becomes a label value.
    const routes = new Set(api.samples.filter((s) => s.name === 'reelforge_http_request_duration_seconds_count').map((s) => s.labels.route));
    expect([...routes].some((r) => r?.includes(fileId))).toBe(false);

    expect(api.types.get('reelforge_http_request_duration_seconds')).toBe('histogram');
    expect(api.types.get('reelforge_jobs')).toBe('gauge');
    expect(api.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(api.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
  });

  it('when the worker is scraped, then it reports attempt duration, encode speed and how busy it is', async () => {
    const worker = await scrape(workerMetricsUrl);
    expect(worker.value('reelforge_transcode_attempt_duration_seconds_count', { outcome: 'completed' })).toBe(1);
    expect(worker.value('reelforge_transcode_attempt_duration_seconds_sum', { outcome: 'completed' })).toBeGreaterThan(0);
    expect(worker.value('reelforge_transcode_encode_speed_ratio_count')).toBe(1);
    expect(worker.value('reelforge_transcode_encode_speed_ratio_sum')).toBeGreaterThan(0);
    expect(worker.types.get('reelforge_transcode_encode_speed_ratio')).toBe('histogram');
    expect(worker.value('reelforge_worker_concurrency')).toBe(1);
    expect(worker.value('reelforge_worker_busy_ratio')).toBe(0);
    expect(busyWhileRunning).toContain(1);
    expect(worker.value('process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('when Postgres cannot be reached, then the scrape still answers and says which source is down', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      REDIS_URL: stack.config.redis.url!,
      QUEUE_PREFIX: stack.config.queue.prefix,
      API_TOKENS: 'unused-token-0123456789',
      EMBEDDED_DIR: stack.config.embeddedDir,
    });
    const runtime = createApiRuntime(config, pino({ level: 'silent' }));
    const server: Server = await new Promise((resolve) => {
      const s = runtime.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`);
      expect(res.status).toBe(200);
      const metrics = parsePrometheusText(await res.text());
      expect(metrics.value('reelforge_metrics_source_up', { source: 'postgres' })).toBe(0);
      // No stale or made-up numbers for a source that did not answer.
      expect(metrics.samples.filter((s) => s.name === 'reelforge_jobs')).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
    }
  });
});
