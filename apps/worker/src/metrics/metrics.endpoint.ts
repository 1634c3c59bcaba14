import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export interface MetricsEndpoint {
  registry: Registry;
  /** METRICS_TOKEN; without it the endpoint is open, as usual for scrapers inside a private network. */
  token: string | undefined;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Hashing first gives equal lengths, so the comparison leaks neither content nor length. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

/** GET /metrics on the worker's health port, in Prometheus text format. */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, { registry, token }: MetricsEndpoint): Promise<void> {
  if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
    res
      .writeHead(401, { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer realm="reelforge"' })
      .end(JSON.stringify({ type: 'https://reelforge.dev/problems/unauthorized', title: 'Unauthorized', status: 401, detail: 'Send "Authorization: Bearer <METRICS_TOKEN>".', code: 'unauthorized' }));
    return;
  }
  try {
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType }).end(body);
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${(err as Error).message}`);
  }
}
