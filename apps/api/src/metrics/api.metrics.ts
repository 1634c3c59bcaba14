import { JOB_STATUSES } from '@reelforge/db';
import type { JobType } from 'bullmq';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { httpMetricsMiddleware } from './http-metrics.middleware.js';
import { withTimeout } from '../http/with-timeout.js';

/** BullMQ job states reported as queue depth. */
export const QUEUE_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'waiting-children', 'completed', 'failed'] as const satisfies readonly JobType[];

export interface ApiMetricsSources {
  /** Rows per job status in Postgres (one GROUP BY). */
  jobsByStatus: () => Promise<Record<string, number>>;
  /** BullMQ job counts of the transcode queue by state. */
  queueCounts: () => Promise<Record<string, number>>;
  /** Live progress streams open on this process. */
  openStreams: () => number;
  /** A scrape never waits longer than this for Postgres or Redis (default 2 s). */
  timeoutMs?: number;
  logger: Logger;
}

export interface ApiMetrics {
  registry: Registry;
  httpMetrics: RequestHandler;
}

interface Counts {
  postgres: Record<string, number> | undefined;
  redis: Record<string, number> | undefined;
}

/**
 * The API's Prometheus metrics. Job and queue counts are read when scraped, so every replica reports
 * the same cluster-wide numbers: aggregate them with max(), not sum(). A source that fails or times
 * out reports reelforge_metrics_source_up 0 and no stale numbers. Duration and encode speed of jobs
 * come from the workers' /metrics, where each job is counted exactly once.
 */
export function createApiMetrics(sources: ApiMetricsSources): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const timeoutMs = sources.timeoutMs ?? 2_000;

  const read = async (source: keyof Counts, load: () => Promise<Record<string, number>>) => {
    try {
      return await withTimeout(load(), timeoutMs, `${source} did not answer within ${timeoutMs} ms`);
    } catch (err) {
      sources.logger.warn({ err, source }, 'metrics source unavailable');
      return undefined;
    }
  };
  // Every gauge of one scrape collects concurrently; they share one read of each source.
  let inflight: Promise<Counts> | undefined;
  const counts = () =>
    (inflight ??= (async () => {
      const [postgres, redis] = await Promise.all([read('postgres', sources.jobsByStatus), read('redis', sources.queueCounts)]);
      return { postgres, redis };
    })().finally(() => {
      inflight = undefined;
    }));

  const registers = [registry];
  new Gauge({
    registers,
    name: 'reelforge_metrics_source_up',
    help: 'Whether this scrape could read a source (postgres, redis) within the timeout',
    labelNames: ['source'] as const,
    async collect() {
      const current = await counts();
      this.set({ source: 'postgres' }, current.postgres ? 1 : 0);
      this.set({ source: 'redis' }, current.redis ? 1 : 0);
    },
  });
  new Gauge({
    registers,
    name: 'reelforge_jobs',
    help: 'Transcode jobs in Postgres by status',
    labelNames: ['status'] as const,
    async collect() {
      const { postgres } = await counts();
      this.reset();
      if (postgres) for (const status of JOB_STATUSES) this.set({ status }, postgres[status] ?? 0);
    },
  });
  new Gauge({
    registers,
    name: 'reelforge_queue_jobs',
    help: 'BullMQ jobs of a queue by state (queue depth)',
    labelNames: ['queue', 'state'] as const,
    async collect() {
      const { redis } = await counts();
      this.reset();
      if (redis) for (const state of QUEUE_STATES) this.set({ queue: 'transcode', state }, redis[state] ?? 0);
    },
  });
  new Gauge({
    registers,
    name: 'reelforge_sse_streams',
    help: 'Live progress streams open on this API process',
    collect() {
      this.set(sources.openStreams());
    },
  });

  return { registry, httpMetrics: httpMetricsMiddleware(registry) };
}
