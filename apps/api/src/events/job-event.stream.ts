import { isTerminalStatus, type JobStatus, type JobView } from '@reelforge/db';
import type { Logger } from 'pino';
import { NotFoundError } from '../http/app.errors.js';
import { formatSseComment, formatSseEvent } from './sse.format.js';
import { compareStreamIds, STREAM_START } from './stream-id.js';
import type { JobQueueEvent } from './transcode-events.hub.js';

export interface SseSink {
  write(chunk: string): void;
  end(): void;
}

export interface JobEventStreamDeps {
  sink: SseSink;
  /** The job's state as GET /api/media/transcode/:fileId reads it (JobStatusReader). */
  loadState: () => Promise<JobView>;
  heartbeatMs: number;
  /**
   * How long a final state seen only in Postgres (after a notice) waits for the job's own queue
   * events before it is sent anyway; default: one heartbeat, at least a second.
   */
  finalEventGraceMs?: number;
  log: Logger;
  onClose: () => void;
}

/**
 * One client's live view of one job. Queue events are handled strictly in arrival order (one chain
 * of promises), and only after the first state has been sent. The status reader decides the state:
 * queue events only say when to look again. Postgres is read only when the hub delivers something
 * for this job (a queue event, a cancel broadcast, a resync after Redis came back), never on a
 * timer: a thousand idle streams cost no queries. A progress event below what the client was already shown
 * (one replayed after a newer snapshot) is skipped, so percent never goes backwards within an attempt;
 * when the job is handed back to the queue or re-run after a stall, a `state` event announces the restart.
 * A `playable` event (the job's view, with hlsUrl) is sent once per attempt, when Postgres says its master
 * playlist is published: the worker flags its progress events from then on, which prompts the look.
 */
export class JobEventStream {
  /** Newest stream id the client's view already reflects; older queue events are skipped. */
  private position = STREAM_START;
  private floor = 0;
  private status: JobStatus = 'queued';
  private attempts = 0;
  /** Whether this attempt's `playable` event was sent. */
  private playable = false;
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private finalFallback: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private chain: Promise<void>;
  private release: () => void = () => undefined;

  constructor(private readonly deps: JobEventStreamDeps) {
    this.chain = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  /** Hand every queue event of the job here, from the moment of subscribing. */
  readonly push = (event: JobQueueEvent): void => {
    this.enqueue(() => this.onQueueEvent(event));
  };

  /** Sends the first event: the final one if the job is already over, else its current state. */
  begin(state: JobView, position: string): void {
    this.position = position;
    if (isTerminalStatus(state.status)) {
      this.finish(state, position);
    } else {
      this.adopt(state, state.progress);
      this.send('state', state, position);
      this.announcePlayable(state, position);
      this.heartbeat = setInterval(() => this.beat(), this.deps.heartbeatMs);
      this.heartbeat.unref();
    }
    this.release();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.finalFallback);
    clearTimeout(this.retryTimer);
    this.deps.sink.end();
    this.deps.onClose();
  }

  private beat(): void {
    this.deps.sink.write(formatSseComment('heartbeat'));
  }

  private enqueue(task: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      try {
        await task();
      } catch (err) {
        // The file was deleted: nothing more will happen to it. Ending the stream ends it for the
        // client too, as an EventSource that reconnects gets the 404 and stops.
        if (err instanceof NotFoundError && err.code === 'file_not_found') {
          this.close();
          return;
        }
        this.deps.log.warn({ err }, 'live progress update failed; looking again after a heartbeat');
        this.lookAgainLater();
      }
    });
  }

  /** A failed look (Postgres down) is repeated once a heartbeat later, so a final state is not missed for want of another event. */
  private lookAgainLater(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.enqueue(() => this.recheck(undefined));
    }, this.deps.heartbeatMs);
    this.retryTimer.unref();
  }

  private async onQueueEvent(event: JobQueueEvent): Promise<void> {
    if (event.kind === 'notice') {
      await this.recheck(undefined);
      return;
    }
    if (compareStreamIds(event.id, this.position) <= 0) return;
    this.position = event.id;
    if (event.kind === 'lifecycle') {
      await this.recheck(event.id);
      return;
    }
    // The first progress of an attempt comes after the worker claimed the job: announce 'processing'.
    if (this.status === 'queued') await this.recheck(event.id);
    // Lower than before means a new attempt started over; only Postgres can confirm that.
    if (event.progress.percent < this.floor) await this.recheck(event.id);
    // The worker says the attempt is playable; Postgres holds the URL.
    if (event.progress.playable && !this.playable) await this.recheck(event.id);
    if (this.closed || event.progress.percent < this.floor) return;
    this.floor = event.progress.percent;
    const { stage, percent, etaSeconds, speed } = event.progress;
    this.send('progress', { stage, percent, etaSeconds, speed }, event.id);
  }

  private async recheck(id: string | undefined): Promise<void> {
    const state = await this.deps.loadState();
    if (this.closed) return;
    // A change no queue event announced is labelled with the newest event already handled.
    const eventId = id ?? this.position;
    if (isTerminalStatus(state.status)) {
      if (id === undefined) this.awaitFinalEvent(state);
      else this.finish(state, eventId);
      return;
    }
    if (state.status !== this.status || state.attempts !== this.attempts) {
      const restarted =
        (state.status === 'queued' && this.status !== 'queued') ||
        (state.status === 'processing' && this.status === 'processing' && state.attempts > this.attempts);
      if (restarted) this.playable = false;
      // Percent comes from the ordered queue events; a state change carries the percent the stream has
      // reached, so a Postgres row that is ahead of the queued events does not make the stream skip them.
      this.adopt(state, restarted ? state.progress : this.floor);
      this.send('state', { ...state, progress: this.floor }, eventId);
    }
    this.announcePlayable(state, eventId);
  }

  private announcePlayable(state: JobView, id: string): void {
    if (!state.playable || this.playable || state.status !== 'processing') return;
    this.playable = true;
    this.send('playable', { ...state, progress: this.floor }, id);
  }

  /**
   * The worker commits the final state before its last queue events (the `done` progress, then
   * `completed`) reach this replica. Finishing at once would drop them on one replica and not on
   * another; so wait for the queue's final event, and send the Postgres state only if it never comes
   * (a job cancelled that Redis no longer held, Redis lost).
   */
  private awaitFinalEvent(state: JobView): void {
    if (this.finalFallback) return;
    const graceMs = this.deps.finalEventGraceMs ?? Math.max(this.deps.heartbeatMs, 1_000);
    this.finalFallback = setTimeout(() => {
      this.enqueue(() => Promise.resolve(this.finish(state, this.position)));
    }, graceMs);
    this.finalFallback.unref();
  }

  private adopt(state: JobView, floor: number): void {
    this.status = state.status;
    this.attempts = state.attempts;
    this.floor = floor;
  }

  private finish(state: JobView, id: string): void {
    this.send(state.status, state, id);
    this.close();
  }

  private send(event: string, data: unknown, id: string): void {
    if (!this.closed) this.deps.sink.write(formatSseEvent({ id, event, data }));
  }
}
