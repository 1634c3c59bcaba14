import { performance } from 'node:perf_hooks';
import { createRedisConnection } from '@reelforge/queue';
import { QueueEvents } from 'bullmq';

export interface CompletionWatcher {
  /** performance.now() of each BullMQ job's `completed` event, by BullMQ job id. */
  completed: ReadonlyMap<string, number>;
  /** Waits until every id completed; rejects as soon as one fails or the time is up. */
  waitForAll(bullJobIds: readonly string[], timeoutMs: number, onProgress?: (done: number) => void): Promise<void>;
  /** Waits until the job left its worker either way (completed, or failed — a cancelled job fails). */
  waitForEnd(bullJobId: string, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Follows a queue's completed/failed events (Redis streams), for workers running in other processes. */
export async function watchCompletions(redisUrl: string, prefix: string): Promise<CompletionWatcher> {
  const connection = createRedisConnection(redisUrl, 'worker');
  const events = new QueueEvents('transcode', { connection, prefix });
  await events.waitUntilReady();
  const completed = new Map<string, number>();
  const failed = new Map<string, string>();
  let wake: () => void = () => undefined;
  events.on('completed', ({ jobId }) => {
    completed.set(jobId, performance.now());
    wake();
  });
  events.on('failed', ({ jobId, failedReason }) => {
    failed.set(jobId, failedReason);
    wake();
  });
  return {
    completed,
    async waitForAll(ids, timeoutMs, onProgress) {
      const deadline = performance.now() + timeoutMs;
      let reported = -1;
      for (;;) {
        const bad = ids.find((id) => failed.has(id));
        if (bad) throw new Error(`job ${bad} failed: ${failed.get(bad)}`);
        const done = ids.filter((id) => completed.has(id)).length;
        if (done !== reported) onProgress?.((reported = done));
        if (done === ids.length) return;
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`${ids.length - done} of ${ids.length} jobs still unfinished after ${Math.round(timeoutMs / 1000)} s`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 1000));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    async waitForEnd(id, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (!completed.has(id) && !failed.has(id)) {
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`job ${id} still held by its worker after ${Math.round(timeoutMs / 1000)} s`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 1000));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    async close() {
      await events.close();
      connection.disconnect();
    },
  };
}
