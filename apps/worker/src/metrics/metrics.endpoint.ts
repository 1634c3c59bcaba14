import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsAccess } from '@reelforge/config';
import type { Registry } from 'prom-client';

export interface MetricsEndpoint {
  registry: Registry;
  /** From METRICS_TOKEN and NODE_ENV (see `MetricsAccess`). */
  access: MetricsAccess;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Hashing first gives equal lengths, so the comparison leaks neither content nor length. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

/** The API's problem+json shape, so scrapers see the same answers on both ports. */
function sendProblem(res: ServerResponse, status: number, code: string, title: string, detail: string, headers: Record<string, string> = {}): void {
  res
    .writeHead(status, { 'content-type': 'application/problem+json', ...headers })
    .end(JSON.stringify({ type: `https://reelforge.dev/problems/${code.replace(/_/g, '-')}`, title, status, detail, code }));
}

/** GET /metrics on the worker's health port, in Prometheus text format. */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, { registry, access }: MetricsEndpoint): Promise<void> {
  if (access.mode === 'off') {
    sendProblem(res, 404, 'metrics_disabled', 'Not Found', 'Metrics are off: in production /metrics is served only when METRICS_TOKEN is set.');
    return;
  }
  if (access.mode === 'token' && !bearerMatches(req.headers.authorization, access.token)) {
    sendProblem(res, 401, 'unauthorized', 'Unauthorized', 'Send "Authorization: Bearer <METRICS_TOKEN>".', { 'www-authenticate': 'Bearer realm="reelforge"' });
    return;
  }
  try {
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType }).end(body);
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${(err as Error).message}`);
  }
}
