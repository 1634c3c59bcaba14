import type { Redis } from 'ioredis';

/**
 * BullMQ's worker.cancelJob() only reaches the worker instance that runs the job, so cancel requests
 * are broadcast over Redis pub/sub and every worker checks whether it owns the job.
 */
export const cancelChannel = (prefix: string) => `${prefix}:transcode:cancel`;

export async function publishCancel(redis: Redis, prefix: string, jobId: string): Promise<number> {
  return redis.publish(cancelChannel(prefix), jobId);
}

/** `subscriber` must be a dedicated connection: a subscribed connection can run no other commands. */
export async function subscribeCancel(subscriber: Redis, prefix: string, onCancel: (jobId: string) => void): Promise<void> {
  const channel = cancelChannel(prefix);
  subscriber.on('message', (from: string, message: string) => {
    if (from === channel) onCancel(message);
  });
  await subscriber.subscribe(channel);
}
