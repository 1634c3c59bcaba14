import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** How one attempt ended, as seen by the worker that ran it. */
export type AttemptOutcome = 'completed' | 'failed' | 'cancelled' | 'retried' | 'released';

export interface WorkerMetricsOptions {
  concurrency: number;
  /** Jobs this worker runs right now. */
  activeJobs: () => number;
}

export interface WorkerMetrics {
  registry: Registry;
  attemptFinished(outcome: AttemptOutcome, seconds: number): void;
  /** Media seconds encoded per wall-clock second (x realtime) of one completed attempt. */
  encodeSpeed(ratio: number): void;
}

/**
 * The worker's Prometheus metrics, served on its health port. Each attempt runs on exactly one
 * worker, so sum() over workers counts every job once. Busy ratio over time:
 * rate(reelforge_transcode_attempt_duration_seconds_sum[5m]) / reelforge_worker_concurrency.
 */
export function createWorkerMetrics({ concurrency, activeJobs }: WorkerMetricsOptions): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const duration = new Histogram({
    registers,
    name: 'reelforge_transcode_attempt_duration_seconds',
    help: 'Wall time of one transcode attempt on this worker, from pick-up to outcome',
    labelNames: ['outcome'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400],
  });
  const speed = new Histogram({
    registers,
    name: 'reelforge_transcode_encode_speed_ratio',
    help: 'Encoding speed of completed attempts in media seconds per wall second (x realtime)',
    buckets: [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13, 21],
  });
  new Gauge({
    registers,
    name: 'reelforge_worker_concurrency',
    help: 'Jobs this worker may run at once (WORKER_CONCURRENCY)',
  }).set(concurrency);
  new Gauge({
    registers,
    name: 'reelforge_worker_busy_ratio',
    help: 'Share of this worker’s job slots in use when scraped',
    collect() {
      this.set(activeJobs() / concurrency);
    },
  });
  return {
    registry,
    attemptFinished: (outcome, seconds) => duration.observe({ outcome }, seconds),
    encodeSpeed: (ratio) => speed.observe(ratio),
  };
}
