import { closeBullmq, createRedisConnection, subscribeCancel, type JobName } from '@reelforge/queue';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { JobStatusReader } from '../media/job-status.reader.js';
import { TranscodeEventsHub } from './transcode-events.hub.js';
import { TranscodeEventsService } from './transcode-events.service.js';

export interface LiveEventsOptions {
  redisUrl: string;
  prefix: string;
  /** The API's producer connection (fails fast), used for short reads. */
  queueRedis: Redis;
  status: JobStatusReader['read'];
  heartbeatMs: number;
  /** Open streams allowed per caller's owner and in this process (SSE_MAX_STREAMS_PER_OWNER, SSE_MAX_STREAMS). */
  streamLimits: { perOwner: number; total: number };
  logger: Logger;
}

export interface LiveEvents {
  hub: TranscodeEventsHub;
  service: TranscodeEventsService;
  /** Ends open streams, then stops reading queue events. */
  close(): Promise<void>;
}

/** One QueueEvents reader per API process, on a connection of its own (it blocks on XREAD). */
export function createLiveEvents(options: LiveEventsOptions): LiveEvents {
  const { logger } = options;
  const connection = createRedisConnection(options.redisUrl, 'worker');
  connection.on('error', (err) => logger.warn({ err: err.message }, 'redis (queue events) connection error'));
  const queueEvents = new QueueEvents('transcode' satisfies JobName, { connection, prefix: options.prefix });
  queueEvents.on('error', (err) => logger.warn({ err: err.message }, 'queue events error'));
  const hub = new TranscodeEventsHub({ queueEvents, redis: options.queueRedis, logger });
  // After the first connect, a 'ready' means Redis came back: events may have been missed meanwhile.
  let connectedBefore = false;
  connection.on('ready', () => {
    if (connectedBefore) hub.resyncAll();
    connectedBefore = true;
  });
  // Cancels that reach no worker (the job was only queued, or Redis lost it) are broadcast too: streams hear them here.
  const cancels = createRedisConnection(options.redisUrl, 'worker');
  cancels.on('error', (err) => logger.warn({ err: err.message }, 'redis (cancel broadcasts) connection error'));
  subscribeCancel(cancels, options.prefix, (jobId) => hub.noticeCancel(jobId)).catch((err: unknown) =>
    logger.warn({ err }, 'could not subscribe to cancel broadcasts; streams of jobs cancelled outside Redis end on their next queue event'),
  );
  const service = new TranscodeEventsService({
    hub,
    status: options.status,
    heartbeatMs: options.heartbeatMs,
    limits: options.streamLimits,
  });
  return {
    hub,
    service,
    async close() {
      service.closeAll();
      await closeBullmq(queueEvents, connection).catch((err: unknown) => logger.warn({ err }, 'closing queue events failed'));
      connection.disconnect();
      cancels.disconnect();
    },
  };
}
