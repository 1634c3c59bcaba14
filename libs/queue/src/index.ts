export { createRedisConnection, type RedisRole } from './redis.connection.js';
export { checkRedisPolicy, type RedisPolicyReport } from './redis-policy.check.js';
export {
  QueueName,
  TranscodeJobPayloadSchema,
  TranscodeProgressSchema,
  type TranscodeJobPayload,
  type TranscodeProgress,
} from './transcode.payload.js';
// Chosen and recorded by JobsRepository; here for the queue's readers.
export { parseTranscodeBullJobId, transcodeBullJobId } from '@reelforge/db';
export {
  createTranscodeQueue,
  createTranscodeWorker,
  enqueueAttempt,
  type TranscodeQueue,
  type TranscodeQueueOptions,
  type TranscodeResult,
  type TranscodeWorkerOptions,
} from './transcode.queue.js';
export { cancelChannel, publishCancel, subscribeCancel } from './cancel.channel.js';
export { isLiveBullState, QueueReconciler, type QueueReconcilerDeps, type ReconcileReport, type ReconcilerLogger } from './queue.reconciler.js';
export { reconcileLockKey, startReconcileLoop, type ReconcileLoop, type ReconcileLoopOptions } from './reconcile.loop.js';
export { closeBullmq, type CloseBullmqOptions } from './bullmq.shutdown.js';
// Only for test/containers, which still imports it from here; everything else takes it from @reelforge/process.
export { freePort } from '@reelforge/process';
