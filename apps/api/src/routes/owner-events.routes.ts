import { Router } from 'express';
import { z } from 'zod';
import type { OwnerEventsService } from '../events/owner-events.service.js';
import type { StreamTokenStore } from '../events/stream-token.store.js';
import { UnauthorizedError } from '../http/app.errors.js';
import { callerOf } from '../http/caller.js';

export const OWNER_EVENTS_PATH = '/api/events';
export const STREAM_TOKENS_PATH = '/api/events/stream-tokens';

const StreamQuerySchema = z.object({ token: z.string().min(1).max(200) });

/** POST /api/events/stream-tokens, behind the bearer token like every /api route. */
export function streamTokenRoutes({ tokens }: { tokens: StreamTokenStore }): Router {
  const router = Router();
  router.post(STREAM_TOKENS_PATH, async (_req, res) => {
    const issued = await tokens.issue(callerOf(res));
    res.set('Cache-Control', 'no-store');
    res.status(201).json(issued);
  });
  return router;
}

/**
 * GET /api/events?token=…: mounted before the bearer middleware, because EventSource cannot send an
 * Authorization header. The only credential it accepts is a stream token (see StreamTokenStore), used up
 * on the first request; the access log shows the URL with the token redacted (app.ts).
 */
export function ownerEventsRoutes({ tokens, events }: { tokens: StreamTokenStore; events: OwnerEventsService }): Router {
  const router = Router();
  router.get(OWNER_EVENTS_PATH, async (req, res) => {
    const query = StreamQuerySchema.safeParse(req.query);
    const caller = query.success ? await tokens.redeem(query.data.token) : null;
    if (!caller) {
      throw new UnauthorizedError(`Missing, expired or already used stream token: get a fresh one from POST ${STREAM_TOKENS_PATH} and pass it as ?token=.`);
    }
    await events.open({ caller, res, log: req.log });
  });
  return router;
}
