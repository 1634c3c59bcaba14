export { createRedisConnection, type RedisRole } from './redis.connection.js';
export { checkRedisPolicy, type RedisPolicyReport } from './redis-policy.check.js';
export {
  createQueue,
  createWorker,
  isLastTry,
  JOB_TYPES,
  type JobHandler,
  type JobName,
  type JobPayload,
  type JobQueue,
  type JobResult,
  type JobWorker,
  type QueueOptions,
  type WorkerOptions,
} from './job.map.js';
export {
  TranscodeJobPayloadSchema,
  TranscodeProgressSchema,
  type TranscodeJobPayload,
  type TranscodeProgress,
  type TranscodeResult,
  TranscodePartResultSchema,
  type TranscodePartResult,
} from './transcode.payload.js';
export { toWebhookJobPayload, webhookBullJobId, WebhookJobPayloadSchema, type WebhookDeliveryResult, type WebhookJobPayload } from './webhook.payload.js';
// Chosen and recorded by JobsRepository; here for the queue's readers.
export { parseTranscodeBullJobId, transcodeBullJobId } from '@reelforge/db';
export { ImportJobPayloadSchema, type ImportJobPayload, type ImportResult } from './import.payload.js';
export { enqueueAttempt, type TranscodeQueue } from './transcode.queue.js';
export { fairPriority, BULLMQ_MAX_PRIORITY, CLIENT_PRIORITY_MAX, MAX_RANK, PRIORITY_BAND_WIDTH, type FairPriorityInput } from './fair-priority.policy.js';
export { cancelChannel, publishCancel, subscribeCancel } from './cancel.channel.js';
export { visitKeysetPages } from './keyset.pager.js';
export { ImportReconciler, type ImportReconcileReport, type ImportReconcilerDeps } from './import.reconciler.js';
export { isLiveBullState, QueueReconciler, type QueueReconcilerDeps, type ReconcileReport, type ReconcilerLogger } from './queue.reconciler.js';
export { reconcileLockKey, startReconcileLoop, type ReconcileLoop, type ReconcileLoopOptions } from './reconcile.loop.js';
export { closeBullmq, type CloseBullmqOptions } from './bullmq.shutdown.js';
