import type { Request, RequestHandler } from 'express';
import { Histogram, type Registry } from 'prom-client';

/** Label for requests no route matched, so unknown paths cannot blow up the series count. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * The route pattern that served the request (`/api/media/transcode/:fileId`), never the raw path.
 * Sub-routers contribute their mount path; middleware-only mounts (static files) use it alone.
 */
export function routeLabel(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}` || '/';
  return req.baseUrl ? `${req.baseUrl}/*` : UNMATCHED_ROUTE;
}

/** Observes every HTTP request except event streams, whose duration is the client's watching time. */
export function httpMetricsMiddleware(registry: Registry): RequestHandler {
  const histogram = new Histogram({
    name: 'reelforge_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) return;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      histogram.observe({ method: req.method, route: routeLabel(req), status_code: String(res.statusCode) }, seconds);
    });
    next();
  };
}
