import type { WebhookDeliveriesRepository } from '@reelforge/db';
import { isLastTry, type JobHandler } from '@reelforge/queue';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { postWebhook, type WebhookResponse } from './webhook.sender.js';
import { SIGNATURE_HEADER, signWebhook } from './webhook.signature.js';
import { WebhookDeliveryError, WebhookSecretMissingError } from './webhooks.errors.js';

export interface WebhookProcessorDeps {
  deliveries: Pick<WebhookDeliveriesRepository, 'recordAttempt'>;
  /** WEBHOOK_SECRET; without it every delivery fails at once, visibly, instead of going out unsigned. */
  secret: string | undefined;
  /** Per-request limit (connect, send, answer). */
  timeoutMs: number;
  /** Deliver to loopback, private and link-local addresses too (WEBHOOK_ALLOW_PRIVATE_NETWORKS). */
  allowPrivateNetworks?: boolean;
  logger: Logger;
  now?: () => number;
}

export const WEBHOOK_USER_AGENT = 'Reelforge-Webhooks/1';

/**
 * One delivery attempt: sign, POST, record the outcome in Postgres. A non-2xx answer throws, so BullMQ
 * retries with exponential backoff; on the last attempt the delivery is recorded as failed.
 */
export function createWebhookProcessor(deps: WebhookProcessorDeps): JobHandler<'webhooks'> {
  const now = deps.now ?? Date.now;
  return async (job) => {
    const payload = job.data;
    const attempt = (payload.attemptsBefore ?? 0) + job.attemptsMade + 1;
    const lastAttempt = isLastTry(job);
    const log = deps.logger.child({ deliveryId: payload.deliveryId, eventId: payload.eventId, attempt });

    const giveUp = async (err: Error): Promise<never> => {
      await deps.deliveries.recordAttempt(payload.deliveryId, { attempt, outcome: 'failed', responseStatus: null, error: err.message });
      log.error({ err: err.message }, 'webhook not sent');
      throw new UnrecoverableError(err.message);
    };
    if (!deps.secret) return giveUp(new WebhookSecretMissingError());

    let response: WebhookResponse;
    try {
      response = await postWebhook(
        {
          url: payload.url,
          body: payload.body,
          headers: {
            'content-type': 'application/json',
            'user-agent': WEBHOOK_USER_AGENT,
            [SIGNATURE_HEADER]: signWebhook(deps.secret, payload.body, Math.floor(now() / 1000)),
            'Reelforge-Event-Id': payload.eventId,
            'Reelforge-Event-Type': payload.eventType,
            'Reelforge-Delivery-Attempt': String(attempt),
          },
        },
        { timeoutMs: deps.timeoutMs, allowPrivateNetworks: deps.allowPrivateNetworks ?? false },
      );
    } catch (err) {
      // Only an unusable URL throws; every network outcome comes back as a response.
      return giveUp(err as Error);
    }

    // A private destination stays private: fail now with the reason instead of retrying for a day.
    if (response.refused) return giveUp(new Error(response.error ?? 'the webhook URL points at a private address'));
    if (response.ok) {
      await deps.deliveries.recordAttempt(payload.deliveryId, { attempt, outcome: 'delivered', responseStatus: response.status, error: null });
      log.info({ status: response.status }, 'webhook delivered');
      return { responseStatus: response.status!, attempt };
    }
    await deps.deliveries.recordAttempt(payload.deliveryId, {
      attempt,
      outcome: lastAttempt ? 'failed' : 'retrying',
      responseStatus: response.status,
      error: response.error,
    });
    log.warn({ status: response.status, error: response.error, lastAttempt }, lastAttempt ? 'webhook delivery failed for good' : 'webhook attempt failed; will retry');
    throw new WebhookDeliveryError(response.status, response.error ?? 'delivery failed');
  };
}
