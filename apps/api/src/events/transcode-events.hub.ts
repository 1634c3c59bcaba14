import { parseTranscodeBullJobId, TranscodeProgressSchema, type TranscodeProgress } from '@reelforge/queue';
import type { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { STREAM_START } from './stream-id.js';

/** BullMQ events after which the job's row in Postgres may have changed state. */
export const LIFECYCLE_EVENTS = ['active', 'waiting', 'delayed', 'stalled', 'completed', 'failed', 'removed'] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

/**
 * One queue event concerning a Reelforge job; `id` is its Redis stream id. A `notice` has no place in
 * the stream: the job may have changed without a queue event (`cancel`: a cancel broadcast, e.g. for a
 * job Redis no longer holds; `resync`: the event reader reconnected and may have missed events).
 */
export type JobQueueEvent =
  | { kind: 'progress'; id: string; progress: TranscodeProgress }
  | { kind: 'lifecycle'; id: string; name: LifecycleEvent }
  | { kind: 'notice'; reason: 'cancel' | 'resync' };

export type JobQueueEventListener = (event: JobQueueEvent) => void;

/** Every job's events, for a stream that follows many jobs; `jobId` is null for a resync, which concerns them all. */
export type AnyJobEventListener = (jobId: string | null, event: JobQueueEvent) => void;

export interface TranscodeEventsHubDeps {
  /** The one QueueEvents of this process; it needs a Redis connection of its own (blocking reads). */
  queueEvents: QueueEvents;
  /** A non-blocking connection for reading the stream position. */
  redis: Redis;
  logger: Logger;
}

/**
 * Fans BullMQ's queue events out to the live streams that follow a job. Every API replica reads
 * the same Redis stream, so any replica can serve any client. BullMQ ids carry the attempt
 * (`<jobId>.<attempt>`); listeners are keyed by the Reelforge job id.
 */
export class TranscodeEventsHub {
  private readonly listeners = new Map<string, Set<JobQueueEventListener>>();
  private readonly anyJobListeners = new Set<AnyJobEventListener>();

  constructor(private readonly deps: TranscodeEventsHubDeps) {
    const { queueEvents, logger } = deps;
    queueEvents.on('progress', ({ jobId, data }, id) => {
      const progress = TranscodeProgressSchema.safeParse(data);
      if (!progress.success) {
        logger.debug({ bullJobId: jobId }, 'ignoring a progress event of unknown shape');
        return;
      }
      this.dispatch(jobId, { kind: 'progress', id, progress: progress.data });
    });
    for (const name of LIFECYCLE_EVENTS) {
      queueEvents.on(name, (args: { jobId: string }, id: string) => this.dispatch(args.jobId, { kind: 'lifecycle', id, name }));
    }
  }

  /** A cancel broadcast for a Reelforge job (the channel the workers listen on, libs/queue cancel.channel). */
  noticeCancel(jobId: string): void {
    this.dispatchTo(jobId, { kind: 'notice', reason: 'cancel' });
  }

  /** Tells every followed job to look again: called when the event reader reconnects after losing Redis. */
  resyncAll(): void {
    for (const jobId of [...this.listeners.keys()]) this.dispatchTo(jobId, { kind: 'notice', reason: 'resync' });
    for (const listener of [...this.anyJobListeners]) listener(null, { kind: 'notice', reason: 'resync' });
  }

  /** Every job's events (owner-wide streams filter them); returns the unsubscribe function. */
  subscribeAll(listener: AnyJobEventListener): () => void {
    this.anyJobListeners.add(listener);
    return () => {
      this.anyJobListeners.delete(listener);
    };
  }

  /** Returns the unsubscribe function; call it when the stream ends. */
  subscribe(jobId: string, listener: JobQueueEventListener): () => void {
    let set = this.listeners.get(jobId);
    if (!set) {
      set = new Set();
      this.listeners.set(jobId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(jobId) === set) this.listeners.delete(jobId);
    };
  }

  subscriberCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count + this.anyJobListeners.size;
  }

  /** Id of the newest entry in the queue's event stream: everything up to it has already happened. */
  async streamPosition(): Promise<string> {
    const entries = (await this.deps.redis.xrevrange(this.deps.queueEvents.toKey('events'), '+', '-', 'COUNT', 1)) as [string, string[]][];
    return entries[0]?.[0] ?? STREAM_START;
  }

  private dispatch(bullJobId: string, event: JobQueueEvent): void {
    const parsed = parseTranscodeBullJobId(bullJobId);
    if (parsed) this.dispatchTo(parsed.jobId, event);
  }

  private dispatchTo(jobId: string, event: JobQueueEvent): void {
    for (const listener of [...this.anyJobListeners]) listener(jobId, event);
    const set = this.listeners.get(jobId);
    if (!set) return;
    for (const listener of [...set]) listener(event);
  }
}
