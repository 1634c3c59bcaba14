import { AppError } from '@reelforge/errors';
import type { WebhookDeliveriesRepository } from '@reelforge/db';
import { isLastTry, type JobHandler } from '@reelforge/queue';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { postWebhook, type WebhookResponse } from './webhook.sender.js';
import type { SigningSecrets } from './signing-secrets.resolver.js';
import { SIGNATURE_HEADER, signWebhook } from './webhook.signature.js';
import { WebhookDeliveryError } from './webhooks.errors.js';

export interface WebhookProcessorDeps {
  deliveries: Pick<WebhookDeliveriesRepository, 'recordAttempt' | 'findById'>;
  /**
   * The secrets of the delivery's owner (createSigningSecrets). Without any, the delivery fails at once,
   * visibly, instead of going out unsigned or signed with someone else's secret.
   */
  signingSecrets: SigningSecrets;
  /** Per-request limit (connect, send, answer). */
  timeoutMs: number;
  /** Deliver to loopback, private and link-local addresses too (WEBHOOK_ALLOW_PRIVATE_NETWORKS). */
  allowPrivateNetworks?: boolean;
  logger: Logger;
  now?: () => number;
}

export const WEBHOOK_USER_AGENT = 'Reelforge-Webhooks/1';

/**
 * One delivery attempt: sign with the owner's secrets of the moment, POST, record the outcome in
 * Postgres. A non-2xx answer throws, so BullMQ retries on the webhook retry schedule; on the last
 * attempt the delivery is recorded as failed.
 */
export function createWebhookProcessor(deps: WebhookProcessorDeps): JobHandler<'webhooks'> {
  const now = deps.now ?? Date.now;
  return async (job) => {
    const payload = job.data;
    const attempt = (payload.attemptsBefore ?? 0) + job.attemptsMade + 1;
    const lastAttempt = isLastTry(job);
    const log = deps.logger.child({ deliveryId: payload.deliveryId, eventId: payload.eventId, attempt });

    const giveUp = async (err: Error): Promise<never> => {
      // The code leads, so the delivery log says which kind of refusal it was (e.g. webhook_secret_missing).
      const error = err instanceof AppError ? `${err.code}: ${err.message}` : err.message;
      await deps.deliveries.recordAttempt(payload.deliveryId, { attempt, outcome: 'failed', responseStatus: null, error });
      log.error({ err: err.message }, 'webhook not sent');
      throw new UnrecoverableError(err.message);
    };
    // Jobs queued before deliveries carried their owner: the row knows it.
    const owner = payload.owner ?? (await deps.deliveries.findById(payload.deliveryId))?.owner;
    if (owner === undefined) return giveUp(new Error(`webhook delivery ${payload.deliveryId} no longer exists`));
    let secrets: string[];
    try {
      secrets = await deps.signingSecrets(owner);
    } catch (err) {
      // No secret, or one the operator key cannot open: retrying cannot fix either; a redeliver can, once fixed.
      if (err instanceof AppError) return giveUp(err);
      throw err;
    }

    let response: WebhookResponse;
    try {
      response = await postWebhook(
        {
          url: payload.url,
          body: payload.body,
          headers: {
            'content-type': 'application/json',
            'user-agent': WEBHOOK_USER_AGENT,
            [SIGNATURE_HEADER]: signWebhook(secrets, payload.body, Math.floor(now() / 1000)),
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
