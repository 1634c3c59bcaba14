import { performance } from 'node:perf_hooks';
import { createRedisConnection } from '@reelforge/queue';
import { Queue, QueueEvents } from 'bullmq';

export interface CompletionWatcher {
  /** performance.now() of each BullMQ job's `completed` event, by BullMQ job id. */
  completed: ReadonlyMap<string, number>;
  /** Waits until every id completed; rejects as soon as one fails or the time is up. */
  waitForAll(bullJobIds: readonly string[], timeoutMs: number, onProgress?: (done: number) => void): Promise<void>;
  /**
   * Waits until no transcode job is active or waiting (a cancelled job, its parts included, has left
   * its workers). A chunked parent waiting for its children holds no worker and does not count.
   */
  waitForIdle(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Follows a queue's completed/failed events (Redis streams), for workers running in other processes. */
export async function watchCompletions(redisUrl: string, prefix: string): Promise<CompletionWatcher> {
  const connection = createRedisConnection(redisUrl, 'worker');
  const events = new QueueEvents('transcode', { connection, prefix });
  // Its own connection: QueueEvents blocks on its one while it waits for events.
  const queueConnection = createRedisConnection(redisUrl, 'worker');
  const queue = new Queue('transcode', { connection: queueConnection, prefix });
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
    async waitForIdle(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const counts = await queue.getJobCounts('active', 'waiting', 'prioritized', 'delayed');
        const busy = Object.values(counts).reduce((sum, n) => sum + n, 0);
        if (busy === 0) return;
        if (performance.now() > deadline) throw new Error(`the transcode queue still has ${JSON.stringify(counts)} after ${Math.round(timeoutMs / 1000)} s`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async close() {
      await events.close();
      await queue.close();
      queueConnection.disconnect();
      connection.disconnect();
    },
  };
}
