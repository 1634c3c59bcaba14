import http from 'node:http';

export interface HealthState {
  /** True while the worker takes jobs (false once shutdown began). */
  running: () => boolean;
  /** Redis connection state as ioredis reports it. */
  redisStatus: () => string;
  activeJobs: () => number;
}

/** Liveness for orchestrators (Docker HEALTHCHECK, App Platform): the worker has no other HTTP surface. */
export function startHealthServer(port: number, state: HealthState): Promise<http.Server> {
  const server = http.createServer((req, res) => {
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
