import type { JobView } from '@reelforge/db';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { ServiceUnavailableError } from '../http/app.errors.js';
import type { Caller } from '../http/caller.js';
import type { JobStatusReader } from '../media/job-status.reader.js';
import { JobEventStream } from './job-event.stream.js';
import { formatSseRetry } from './sse.format.js';
import { isStreamId } from './stream-id.js';
import type { TranscodeEventsHub } from './transcode-events.hub.js';

export interface TranscodeEventsServiceDeps {
  hub: TranscodeEventsHub;
  /** The status reader behind GET /api/media/transcode/:fileId; throws not-found errors with a `code`. */
  status: JobStatusReader['read'];
  heartbeatMs: number;
  /** Reconnect delay announced to clients (`retry:`). */
  reconnectMs?: number;
}

export interface OpenStreamRequest {
  fileId: string;
  caller: Caller;
  /** The Last-Event-ID header of a reconnecting client, if any. */
  lastEventId: string | undefined;
  res: Response;
  log: Logger;
}

/**
 * Serves GET /api/media/transcode/:fileId/events. Event ids are positions in BullMQ's event stream
 * for the queue, shared by every replica. A reconnecting client (Last-Event-ID) gets the current
 * state first and then live events: for progress the newest state is what matters, so missed
 * samples are not replayed one by one.
 */
export class TranscodeEventsService {
  private readonly streams = new Set<JobEventStream>();

  constructor(private readonly deps: TranscodeEventsServiceDeps) {}

  /** Errors before the first byte (unknown file, Redis down) become problem+json responses. */
  async open(request: OpenStreamRequest): Promise<void> {
    const { fileId, caller, res, log } = request;
    const { hub } = this.deps;
    const first = await this.deps.status(fileId, caller);
    const stream = new JobEventStream({
      sink: { write: (chunk) => res.write(chunk), end: () => res.end() },
      loadState: () => this.deps.status(fileId, caller),
      heartbeatMs: this.deps.heartbeatMs,
      log,
      onClose: () => {
        unsubscribe();
        this.streams.delete(stream);
      },
    });
    // Subscribe before reading the stream position and the state, so no event can fall in between.
    const unsubscribe = hub.subscribe(first.jobId, stream.push);
    let position: string;
    let snapshot: JobView;
    try {
      position = await hub.streamPosition().catch((err: unknown) => {
        log.warn({ err }, 'cannot read the queue event stream');
        throw new ServiceUnavailableError('Live progress needs Redis, which is unavailable; retry shortly.');
      });
      snapshot = await this.deps.status(fileId, caller);
    } catch (err) {
      unsubscribe();
      throw err;
    }
    if (!res.socket || res.socket.destroyed) {
      // The client left while we were reading; nothing would ever close this stream.
      unsubscribe();
      return;
    }
    if (snapshot.jobId !== first.jobId) {
      // A new job replaced the one we subscribed to (the old one ended meanwhile): follow the new one.
      unsubscribe();
      return this.open(request);
    }

    res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and DigitalOcean's proxies buffer responses unless told not to.
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.write(formatSseRetry(this.deps.reconnectMs ?? 2_000));
    res.on('close', () => stream.close());
    this.streams.add(stream);
    const resumedFrom = request.lastEventId !== undefined && isStreamId(request.lastEventId) ? request.lastEventId : undefined;
    log.info({ jobId: first.jobId, fileId, resumedFrom, status: snapshot.status }, 'live progress stream opened');
    stream.begin(snapshot, position);
  }

  openStreams(): number {
    return this.streams.size;
  }

  /** Ends every open stream (shutdown); clients reconnect to another replica with Last-Event-ID. */
  closeAll(): void {
    for (const stream of [...this.streams]) stream.close();
  }

}
