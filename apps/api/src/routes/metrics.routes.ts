import type { MetricsAccess } from '@reelforge/config';
import { Router } from 'express';
import type { Registry } from 'prom-client';
import { AppError } from '../http/app.errors.js';
import { bearerAuth } from '../http/bearer-auth.middleware.js';

export interface MetricsRoutesDeps {
  registry: Registry;
  /** From METRICS_TOKEN and NODE_ENV (see `MetricsAccess`). */
  access: MetricsAccess;
}

export class MetricsDisabledError extends AppError {
  constructor() {
    super('metrics_disabled', 'Metrics are off: in production /metrics is served only when METRICS_TOKEN is set.');
  }
}

/** Prometheus text exposition of the API's metrics. */
export function metricsRoutes({ registry, access }: MetricsRoutesDeps): Router {
  const router = Router();
  if (access.mode === 'off') {
    router.get('/metrics', (_req, _res, next) => next(new MetricsDisabledError()));
    return router;
  }
  const guard = access.mode === 'token' ? [bearerAuth([access.token])] : [];
  router.get('/metrics', ...guard, async (_req, res) => {
    res.set('content-type', registry.contentType).send(await registry.metrics());
  });
  return router;
}
