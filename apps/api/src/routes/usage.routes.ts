import type { UsageRepository } from '@reelforge/db';
import { Router } from 'express';
import { AppError } from '../http/app.errors.js';
import { callerOf } from '../http/caller.js';
import { parseOrThrow } from '../http/validate.js';
import { UsageQuerySchema, type UsageReport } from '../media/usage.schema.js';

export const ADMIN_USAGE_PATH = '/api/admin/usage';

export interface UsageRoutesDeps {
  usage: Pick<UsageRepository, 'byOwner'>;
}

/**
 * Usage per owner, for administrators (API_TOKENS). To an API key the route does not exist (404
 * route_not_found, the answer for any unknown path), as everything that is not its own: a key learns
 * nothing about other owners, not even that an administrators' route is there.
 */
export function usageRoutes({ usage }: UsageRoutesDeps): Router {
  const router = Router();
  router.get(ADMIN_USAGE_PATH, async (req, res) => {
    if (!callerOf(res).admin) throw new AppError('route_not_found', `No route for ${req.method} ${req.path}.`);
    const query = parseOrThrow(UsageQuerySchema, req.query, 'query');
    const body: UsageReport = { owners: await usage.byOwner(query.owner) };
    res.json(body);
  });
  return router;
}
