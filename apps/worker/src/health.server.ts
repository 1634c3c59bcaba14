import http from 'node:http';
import { serveMetrics, type MetricsEndpoint } from './metrics/metrics.endpoint.js';

export interface HealthState {
  /** True while the worker takes jobs (false once shutdown began). */
  running: () => boolean;
  /** Redis connection state as ioredis reports it. */
  redisStatus: () => string;
  activeJobs: () => number;
}

/** Liveness for orchestrators (Docker HEALTHCHECK, App Platform) and, given `metrics`, GET /metrics for Prometheus. */
export function startHealthServer(port: number, state: HealthState, metrics?: MetricsEndpoint): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (metrics && req.url === '/metrics' && req.method === 'GET') {
      void serveMetrics(req, res, metrics);
      return;
    }
    if (req.url !== '/healthz') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":"not_found"}');
      return;
    }
    const ok = state.running() && state.redisStatus() === 'ready';
    res
      .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', running: state.running(), redis: state.redisStatus(), activeJobs: state.activeJobs() }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
