import type { JobView } from '@reelforge/db';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { ServiceUnavailableError, TooManyRequestsError } from '../http/app.errors.js';
import type { Caller } from '../http/caller.js';
import type { JobStatusReader } from '../media/job-status.reader.js';
import { JobEventStream } from './job-event.stream.js';
import { startSseResponse } from './sse.response.js';
import { isStreamId } from './stream-id.js';
import type { TranscodeEventsHub } from './transcode-events.hub.js';

export interface TranscodeEventsServiceDeps {
  hub: TranscodeEventsHub;
  /** The status reader behind GET /api/media/transcode/:fileId; throws not-found errors with a `code`. */
  status: JobStatusReader['read'];
  heartbeatMs: number;
  /** Reconnect delay announced to clients (`retry:`). */
  reconnectMs?: number;
  /** SSE_MAX_STREAMS_PER_OWNER and SSE_MAX_STREAMS: open streams allowed per caller's owner and in this process. */
  limits: { perOwner: number; total: number };
}

/**
 * Retry-After for a refused stream. Streams end when their job does, and clients that follow many
 * jobs can poll GET /api/media/transcode/:fileId meanwhile: ten seconds is plenty between attempts.
 */
export const STREAM_LIMIT_RETRY_AFTER_S = 10;

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
  /** Streams open or being opened, per caller's owner: a slot is taken before the first await, so concurrent opens cannot overshoot. */
  private readonly slots = new Map<string, number>();
  private slotsTaken = 0;

  constructor(private readonly deps: TranscodeEventsServiceDeps) {}

  /** Errors before the first byte (unknown file, Redis down, too many streams) become problem+json responses. */
  async open(request: OpenStreamRequest): Promise<void> {
    const release = this.takeSlot(request.caller);
    let opened = false;
    try {
      opened = await this.openInSlot(request, release);
    } finally {
      if (!opened) release();
    }
  }

  /** True once the stream is open: from then on its close gives the slot back. */
  private async openInSlot(request: OpenStreamRequest, release: () => void): Promise<boolean> {
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
        release();
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
      return false;
    }
    if (snapshot.jobId !== first.jobId) {
      // A new job replaced the one we subscribed to (the old one ended meanwhile): follow the new one, in the same slot.
      unsubscribe();
      return this.openInSlot(request, release);
    }

    startSseResponse(res, this.deps.reconnectMs ?? 2_000);
    res.on('close', () => stream.close());
    this.streams.add(stream);
    const resumedFrom = request.lastEventId !== undefined && isStreamId(request.lastEventId) ? request.lastEventId : undefined;
    log.info({ jobId: first.jobId, fileId, resumedFrom, status: snapshot.status }, 'live progress stream opened');
    stream.begin(snapshot, position);
    return true;
  }

  /**
   * Refuses with 429 when the caller's owner or the process is at its limit; the returned function
   * gives the slot back (once). Administrators (operators' dashboards) are held only to the process limit.
   * Owner-wide streams (GET /api/events) take their one slot here too, so both kinds share the limits.
   */
  takeSlot({ owner, admin }: Caller): () => void {
    const { perOwner, total } = this.deps.limits;
    const mine = this.slots.get(owner) ?? 0;
    if (!admin && mine >= perOwner) {
      throw new TooManyRequestsError(
        'too_many_streams',
        `Owner ${owner} already has ${mine} live progress streams open, the most allowed at once (${perOwner}); close one or poll the status route.`,
        STREAM_LIMIT_RETRY_AFTER_S,
        { limit: perOwner, open: mine },
      );
    }
    if (this.slotsTaken >= total) {
      throw new TooManyRequestsError(
        'too_many_streams',
        `This server has ${this.slotsTaken} live progress streams open, the most it allows (${total}); retry shortly.`,
        STREAM_LIMIT_RETRY_AFTER_S,
        { limit: total },
      );
    }
    this.slots.set(owner, mine + 1);
    this.slotsTaken += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.slotsTaken -= 1;
      const left = (this.slots.get(owner) ?? 1) - 1;
      if (left === 0) this.slots.delete(owner);
      else this.slots.set(owner, left);
    };
  }

  openStreams(): number {
    return this.streams.size;
  }

  /** Ends every open stream (shutdown); clients reconnect to another replica with Last-Event-ID. */
  closeAll(): void {
    for (const stream of [...this.streams]) stream.close();
  }

}
