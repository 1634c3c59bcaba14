import type { WebhookDeliveriesRepository } from '@reelforge/db';
import type { JobQueue } from '@reelforge/queue';
import { redeliverWebhook, WebhookDeliveryNotFoundError } from '@reelforge/webhooks';
import { Router } from 'express';
import { callerOf, mayAccess } from '../http/caller.js';
import { parseOrThrow } from '../http/validate.js';
import {
  DeliveryIdSchema,
  toWebhookDeliveryLogEntry,
  toWebhookDeliveryView,
  WebhookDeliveriesQuerySchema,
  type WebhookDeliveriesPage,
} from '../webhooks/webhook-deliveries.schema.js';

export const WEBHOOK_DELIVERIES_PATH = '/api/webhooks/deliveries';

export interface WebhookDeliveriesRoutesDeps {
  deliveries: Pick<WebhookDeliveriesRepository, 'list' | 'findById' | 'markRedelivering'>;
  /** The `webhooks` queue a redelivery is added to (the workers deliver it). */
  queue: JobQueue<'webhooks'>;
}

/**
 * The delivery log and redelivery. An API key sees and redelivers its owner's deliveries only (another
 * owner's id answers 404, as a missing one); an installation token (API_TOKENS) sees every owner's and
 * may narrow the list with ?owner=.
 */
export function webhookDeliveriesRoutes({ deliveries, queue }: WebhookDeliveriesRoutesDeps): Router {
  const router = Router();

  router.get(WEBHOOK_DELIVERIES_PATH, async (req, res) => {
    const query = parseOrThrow(WebhookDeliveriesQuerySchema, req.query, 'query');
    const caller = callerOf(res);
    // A key asking for another owner's log gets what that owner's rows are to it: nothing.
    if (!caller.admin && query.owner !== undefined && query.owner !== caller.owner) {
      res.json({ items: [], nextCursor: null } satisfies WebhookDeliveriesPage);
      return;
    }
    const owner = caller.admin ? query.owner : caller.owner;
    const page = await deliveries.list({
      limit: query.limit,
      ...(owner !== undefined ? { owner } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    });
    const body: WebhookDeliveriesPage = { items: page.items.map(toWebhookDeliveryLogEntry), nextCursor: page.nextCursor };
    res.json(body);
  });

  router.post(`${WEBHOOK_DELIVERIES_PATH}/:deliveryId/redeliver`, async (req, res) => {
    const deliveryId = parseOrThrow(DeliveryIdSchema, req.params.deliveryId, 'path');
    const existing = await deliveries.findById(deliveryId);
    if (!existing || !mayAccess(callerOf(res), existing.owner)) throw new WebhookDeliveryNotFoundError(deliveryId);
    const delivery = await redeliverWebhook(deliveryId, { queue, deliveries });
    req.log.info({ deliveryId, eventId: delivery.eventId, redelivery: delivery.redelivery }, 'webhook delivery queued again');
    res.status(202).json(toWebhookDeliveryView(delivery));
  });

  return router;
}
