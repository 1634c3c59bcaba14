import type { Redis } from 'ioredis';

interface Closable {
  close(): Promise<void>;
  /** Drops the connections without a QUIT round trip. */
  disconnect(): Promise<void>;
}

export interface CloseBullmqOptions {
  /** How long a graceful close may take while Redis is up (a Worker waits for its running jobs). */
  closeTimeoutMs?: number;
  /** How long to wait for the connections to drop while Redis is unreachable. */
  disconnectTimeoutMs?: number;
}

/**
 * BullMQ's close() sends QUIT and waits for the answer; while Redis is unreachable that wait never
 * ends, and even disconnect() can wait forever for an 'end' event that a reconnecting ioredis client
 * never emits. A deploy must always be able to stop the process, so both waits are bounded.
 * Resolves `true` when the resource closed in time, `false` when it was abandoned.
 */
export async function closeBullmq(resource: Closable, connection: Redis, options: CloseBullmqOptions = {}): Promise<boolean> {
  const up = connection.status === 'ready';
  const closing = up ? resource.close() : resource.disconnect();
  closing.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), up ? (options.closeTimeoutMs ?? 60_000) : (options.disconnectTimeoutMs ?? 1_000));
    timer.unref();
  });
  try {
    return await Promise.race([closing.then(() => true, () => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
