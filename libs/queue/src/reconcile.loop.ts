import type { Redis } from 'ioredis';

export interface ReconcileLoopOptions {
  /** Run in turn on every tick (transcode jobs, webhook deliveries); one failing does not skip the rest. */
  reconcilers: ReadonlyArray<{ reconcileOnce(): Promise<unknown> }>;
  /** Any connection that can run commands (not a subscriber). */
  redis: Redis;
  /** The queue prefix: workers of one installation share the lock. */
  prefix: string;
  intervalMs: number;
  /** Written into the lock so operators can see who holds it. */
  owner: string;
  onError?: (err: unknown) => void;
}

export interface ReconcileLoop {
  /**
   * No run starts after this. A run in progress is not waited for: with Redis down it could wait
   * forever, and it is safe to abandon (each repair is one guarded step that the next run redoes).
   */
  stop(): void;
}

export const reconcileLockKey = (prefix: string) => `${prefix}:transcode:reconcile-lock`;

/**
 * Runs the reconciler now and then every `intervalMs`. Every worker runs a loop, but a Redis lock
 * (`SET NX PX`) lets only one of them reconcile per interval. The lock is not released after a
 * run: it expires shortly before the next tick, which is what spaces the runs out.
 */
export function startReconcileLoop(options: ReconcileLoopOptions): ReconcileLoop {
  const lockTtlMs = Math.max(1, Math.floor(options.intervalMs * 0.9));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    try {
      const acquired = await options.redis.set(reconcileLockKey(options.prefix), options.owner, 'PX', lockTtlMs, 'NX');
      if (acquired !== 'OK') return;
    } catch (err) {
      options.onError?.(err);
      return;
    }
    for (const reconciler of options.reconcilers) {
      await reconciler.reconcileOnce().catch((err: unknown) => options.onError?.(err));
    }
  };
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      void tick().finally(() => schedule(options.intervalMs));
    }, delayMs);
    // A pending reconcile never keeps the process alive on its own.
    timer.unref();
  };
  schedule(0);

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
