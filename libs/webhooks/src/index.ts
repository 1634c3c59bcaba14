export {
  WebhookDeliveryError,
  WebhookDeliveryNotFoundError,
  WebhookDeliveryPendingError,
  WebhookSecretKeyError,
  WebhookSecretMissingError,
  WebhookUrlNotAllowedError,
} from './webhooks.errors.js';
export { DEFAULT_SIGNATURE_TOLERANCE_S, SIGNATURE_HEADER, signWebhook, verifyWebhookSignature, type VerifyWebhookInput } from './webhook.signature.js';
export {
  buildWebhookEvent,
  eventTypeFor,
  subscribesTo,
  webhookEventTypeOf,
  webhookEventId,
  WebhookEventSchema,
  type BuildWebhookEventOptions,
  type WebhookEvent,
} from './webhook.event.js';
export { WebhookReconciler, type WebhookReconcileReport, type WebhookReconcilerDeps } from './webhook.reconciler.js';
export { assertDeliverableUrl, postWebhook, type PostWebhookOptions, type WebhookRequest, type WebhookResponse } from './webhook.sender.js';
export { createWebhookProcessor, WEBHOOK_USER_AGENT, type WebhookProcessorDeps } from './webhook.processor.js';
export { createWebhookNotifier, enqueueWebhookFor, type WebhookEnqueueDeps } from './webhook.enqueue.js';
export { redeliverWebhook, type RedeliverDeps } from './webhook.redeliver.js';
export { retryDelayMs, webhookRetrySchedule, type RetrySchedule, type RetryScheduleSettings } from './webhook.retry-schedule.js';
export { openSecret, operatorKey, sealedKeyId, sealSecret, type OperatorKey } from './secret.cipher.js';
export { OWNER_SECRET_PREFIX, OwnerSecretsStore, type NewOwnerSecret } from './owner-secrets.store.js';
export { createSigningSecrets, type SigningSecrets, type SigningSecretsDeps } from './signing-secrets.resolver.js';
export { isPublicAddress, PRIVATE_ADDRESS_CODE, privateLiteralHost, publicOnlyLookup } from './address.guard.js';
export { createWebhookQueue, webhookBackoffStrategy } from './webhook.queue.js';
export { outboundUrlRefusal } from './outbound-url.rules.js';
