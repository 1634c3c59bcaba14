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

/** WEBHOOK_SECRET is not configured, so events cannot be signed and are not sent. */
export class WebhookSecretMissingError extends AppError<'webhook_secret_missing'> {
  constructor() {
    super('webhook_secret_missing', 'WEBHOOK_SECRET is not set: webhook events cannot be signed, so they are not sent');
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
