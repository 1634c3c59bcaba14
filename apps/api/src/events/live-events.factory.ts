import { closeBullmq, createRedisConnection, type JobName } from '@reelforge/queue';
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
  const service = new TranscodeEventsService({
    hub,
    status: options.status,
    heartbeatMs: options.heartbeatMs,
  });
  return {
    hub,
    service,
    async close() {
      service.closeAll();
      await closeBullmq(queueEvents, connection).catch((err: unknown) => logger.warn({ err }, 'closing queue events failed'));
      connection.disconnect();
    },
  };
}
