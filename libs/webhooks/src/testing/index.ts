export {
  startWebhookReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
  type WebhookReceiverHandler,
} from './webhook.receiver.js';
