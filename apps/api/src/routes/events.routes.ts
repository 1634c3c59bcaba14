import { Router } from 'express';
import type { TranscodeEventsService } from '../events/transcode-events.service.js';
import { callerOf } from '../http/caller.js';

export const TRANSCODE_EVENTS_PATH = '/api/media/transcode/:fileId/events';

/**
 * Live progress as Server-Sent Events, behind the bearer token like every /api route. The file id
 * is checked by the guard on /api/media/transcode/:fileId in media.routes.ts.
 */
export function eventsRoutes({ events }: { events: TranscodeEventsService }): Router {
  const router = Router();
  router.get(TRANSCODE_EVENTS_PATH, async (req, res) => {
    await events.open({ fileId: req.params.fileId, caller: callerOf(res), lastEventId: req.get('last-event-id'), res, log: req.log });
  });
  return router;
}
