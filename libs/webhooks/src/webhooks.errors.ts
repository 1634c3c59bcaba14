import { AppError } from '@reelforge/errors';

/** The receiver URL is not an absolute http(s) URL without credentials; retrying cannot help. */
export class WebhookUrlNotAllowedError extends AppError<'webhook_url_not_allowed'> {
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super('webhook_url_not_allowed', `Webhook URL not allowed (${reason}): ${url}`);
  }
}

/**
 * No secret to sign with, so the event is not sent: WEBHOOK_SECRET for administrators' jobs, the
 * owner's own secret (`reelforge webhooks secret create`) for everyone else. There is no shared
 * fallback: one owner's receiver must never accept what another owner's secret signed.
 */
export class WebhookSecretMissingError extends AppError<'webhook_secret_missing'> {
  constructor(reason = 'WEBHOOK_SECRET is not set: webhook events cannot be signed, so they are not sent') {
    super('webhook_secret_missing', reason);
  }
}

/** WEBHOOK_SECRETS_KEY is missing, malformed, or does not open a stored owner secret. */
export class WebhookSecretKeyError extends AppError<'webhook_secret_key_invalid'> {
  constructor(reason: string) {
    super('webhook_secret_key_invalid', `WEBHOOK_SECRETS_KEY: ${reason}`);
  }
}

/** No delivery with that id among the caller's (another owner's delivery answers the same). */
export class WebhookDeliveryNotFoundError extends AppError<'webhook_delivery_not_found'> {
  constructor(deliveryId: string) {
    super('webhook_delivery_not_found', `No webhook delivery with id ${deliveryId}.`);
  }
}

/** A redeliver asked while the delivery is still being attempted: it would send the event twice at once. */
export class WebhookDeliveryPendingError extends AppError<'webhook_delivery_pending'> {
  constructor(deliveryId: string) {
    super('webhook_delivery_pending', `Webhook delivery ${deliveryId} is still being attempted; redeliver it once it was delivered or failed.`);
  }
}

/** One attempt did not get a 2xx answer; BullMQ retries it with backoff until attempts run out. */
export class WebhookDeliveryError extends AppError<'webhook_delivery_failed'> {
  constructor(
    readonly responseStatus: number | null,
    readonly reason: string,
  ) {
    super('webhook_delivery_failed', reason);
  }
}
