import { Router } from 'express';
import type { Logger } from 'pino';
import { problemFor, sendProblem } from '../http/problem.middleware.js';
import { withTimeout } from '../http/with-timeout.js';

export type DependencyCheck = () => Promise<void>;

/** All a client learns about a failed dependency; hosts, ports and driver messages stay in the log. */
export const DEPENDENCY_DOWN = 'unavailable';

/**
 * /healthz answers while the process serves HTTP (liveness); /readyz checks every dependency a
 * request needs, with a timeout each, so a load balancer stops sending traffic while one is down.
 * /readyz is unauthenticated, so a failure is reported by name only and its error is logged.
 */
export function healthRoutes(checks: Record<string, DependencyCheck>, logger: Logger, timeoutMs = 2_000): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), timeoutMs, `${name} did not answer within ${timeoutMs} ms`);
          return [name, { ok: true }] as const;
        } catch (err) {
          (req.log ?? logger).warn({ err, dependency: name }, 'readiness check failed');
          return [name, { ok: false, error: DEPENDENCY_DOWN }] as const;
        }
      }),
    );
    const dependencies = Object.fromEntries(results);
    const down = results.filter(([, r]) => !r.ok).map(([name]) => name);
    if (down.length === 0) {
      res.json({ status: 'ready', dependencies });
      return;
    }
    sendProblem(res, problemFor('service_unavailable', `Not ready: ${down.join(', ')} unavailable.`, { dependencies }));
  });
  return router;
}
