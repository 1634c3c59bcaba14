/** The receiver URL is not an absolute http(s) URL without credentials; retrying cannot help. */
export class WebhookUrlNotAllowedError extends Error {
  readonly code = 'webhook_url_not_allowed';

  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`Webhook URL not allowed (${reason}): ${url}`);
    this.name = 'WebhookUrlNotAllowedError';
  }
}

/** WEBHOOK_SECRET is not configured, so events cannot be signed and are not sent. */
export class WebhookSecretMissingError extends Error {
  readonly code = 'webhook_secret_missing';

  constructor() {
    super('WEBHOOK_SECRET is not set: webhook events cannot be signed, so they are not sent');
    this.name = 'WebhookSecretMissingError';
  }
}

/** One attempt did not get a 2xx answer; BullMQ retries it with backoff until attempts run out. */
export class WebhookDeliveryError extends Error {
  readonly code = 'webhook_delivery_failed';

  constructor(
    readonly responseStatus: number | null,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'WebhookDeliveryError';
  }
}
