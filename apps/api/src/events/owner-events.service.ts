import { toJobView, type JobsRepository } from '@reelforge/db';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { ServiceUnavailableError } from '../http/app.errors.js';
import { mayAccess, type Caller } from '../http/caller.js';
import { OwnerEventStream } from './owner-event.stream.js';
import { startSseResponse } from './sse.response.js';
import type { TranscodeEventsHub } from './transcode-events.hub.js';

export interface OwnerEventsServiceDeps {
  hub: TranscodeEventsHub;
  jobs: Pick<JobsRepository, 'findById'>;
  /** Public URL of a storage key, as GET /api/media/jobs builds its items. */
  publicUrl: (key: string) => string;
  /** The per-owner and per-process stream limits the per-job streams use (TranscodeEventsService.takeSlot). */
  takeSlot: (caller: Caller) => () => void;
  heartbeatMs: number;
}

/**
 * Serves GET /api/events: every job the caller may see, on one connection that counts as one stream
 * against SSE_MAX_STREAMS_PER_OWNER and SSE_MAX_STREAMS. A browser keeps one open for a whole job
 * list, instead of one per job (browsers allow six HTTP/1.1 connections per host).
 */
export class OwnerEventsService {
  private readonly streams = new Set<OwnerEventStream>();

  constructor(private readonly deps: OwnerEventsServiceDeps) {}

  async open({ caller, res, log }: { caller: Caller; res: Response; log: Logger }): Promise<void> {
    const { hub, jobs, publicUrl } = this.deps;
    const release = this.deps.takeSlot(caller);
    const stream = new OwnerEventStream({
      sink: { write: (chunk) => res.write(chunk), end: () => res.end() },
      loadJob: async (jobId) => {
        const job = await jobs.findById(jobId);
        return job && mayAccess(caller, job.owner) ? toJobView(job, publicUrl) : null;
      },
      heartbeatMs: this.deps.heartbeatMs,
      log,
      onClose: () => {
        unsubscribe();
        this.streams.delete(stream);
        release();
      },
    });
    // Subscribed before the position is read: nothing can fall between the client's list and the stream.
    const unsubscribe = hub.subscribeAll(stream.push);
    let position: string;
    try {
      position = await hub.streamPosition();
    } catch (err) {
      unsubscribe();
      release();
      log.warn({ err }, 'cannot read the queue event stream');
      throw new ServiceUnavailableError('Live progress needs Redis, which is unavailable; retry shortly.');
    }
    if (!res.socket || res.socket.destroyed) {
      unsubscribe();
      release();
      return;
    }
    startSseResponse(res, 2_000);
    res.on('close', () => stream.close());
    this.streams.add(stream);
    log.info({ owner: caller.owner, admin: caller.admin }, 'owner event stream opened');
    stream.begin(position);
  }

  openStreams(): number {
    return this.streams.size;
  }

  closeAll(): void {
    for (const stream of [...this.streams]) stream.close();
  }
}
