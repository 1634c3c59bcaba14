export { WebhookDeliveryError, WebhookSecretMissingError, WebhookUrlNotAllowedError } from './webhooks.errors.js';
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
export { isPublicAddress, privateLiteralHost, publicOnlyLookup } from './address.guard.js';
