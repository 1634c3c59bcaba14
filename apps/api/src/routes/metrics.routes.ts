import { Router } from 'express';
import type { Registry } from 'prom-client';
import { bearerAuth } from '../http/bearer-auth.middleware.js';

export interface MetricsRoutesDeps {
  registry: Registry;
  /** METRICS_TOKEN; without it /metrics is open, as usual for scrapers inside a private network. */
  token: string | undefined;
}

/** Prometheus text exposition of the API's metrics. */
export function metricsRoutes({ registry, token }: MetricsRoutesDeps): Router {
  const router = Router();
  const guard = token === undefined ? [] : [bearerAuth([token])];
  router.get('/metrics', ...guard, async (_req, res) => {
    res.set('content-type', registry.contentType).send(await registry.metrics());
  });
  return router;
}
