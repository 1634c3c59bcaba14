import type { JobView } from '@reelforge/db';
import type { Logger } from 'pino';
import type { OwnerProgressEvent } from '../openapi/response.schemas.js';
import type { SseSink } from './job-event.stream.js';
import { formatSseComment, formatSseEvent } from './sse.format.js';
import { STREAM_START } from './stream-id.js';
import type { JobQueueEvent } from './transcode-events.hub.js';

export interface OwnerEventStreamDeps {
  sink: SseSink;
  /** The job's list view (GET /api/media/jobs item) if the caller may see it; null otherwise or if it is gone. */
  loadJob: (jobId: string) => Promise<JobView | null>;
  heartbeatMs: number;
  log: Logger;
  onClose: () => void;
}

/** Jobs remembered as someone else's (or as the caller's, with their file id); a bound keeps a long-open stream small. */
const MAX_REMEMBERED_JOBS = 10_000;

/**
 * One client's live view of all the jobs its caller may see (an owner's, or every job for an
 * administrator), fed by the hub's every-job subscription: one stream and no Redis subscription per job.
 * Events: `ready` once open (load the list now: what follows is newer), `job` (the job's list view)
 * whenever Postgres may say something new about it (a lifecycle queue event, a cancel, its first
 * progress, becoming playable), `progress` between those (straight from the queue event, no query),
 * and `resync` when events may have been missed (the reader lost Redis, a lookup failed): reload the list.
 * Whose job an event concerns is asked of Postgres once per job and remembered, so other owners' jobs
 * cost one query per stream, not one per event. Events are handled in arrival order.
 */
export class OwnerEventStream {
  /** jobId → its file id if the caller may see it, null if not. */
  private readonly known = new Map<string, string | null>();
  private readonly playable = new Set<string>();
  private position = STREAM_START;
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: OwnerEventStreamDeps) {}

  readonly push = (jobId: string | null, event: JobQueueEvent): void => {
    if (this.closed) return;
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      try {
        await this.onQueueEvent(jobId, event);
      } catch (err) {
        this.deps.log.warn({ err, jobId }, 'owner stream: a job lookup failed; asking the client to reload its list');
        this.send('resync', {});
      }
    });
  };

  begin(position: string): void {
    this.position = position;
    this.send('ready', {});
    this.heartbeat = setInterval(() => this.deps.sink.write(formatSseComment('heartbeat')), this.deps.heartbeatMs);
    this.heartbeat.unref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.deps.sink.end();
    this.deps.onClose();
  }

  private async onQueueEvent(jobId: string | null, event: JobQueueEvent): Promise<void> {
    if (event.kind !== 'notice') this.position = event.id;
    if (jobId === null) {
      this.known.clear();
      this.send('resync', {});
      return;
    }
    if (this.known.get(jobId) === null) return;
    if (event.kind !== 'progress') {
      await this.lookUp(jobId);
      return;
    }
    const fileId = this.known.has(jobId) ? this.known.get(jobId) : await this.lookUp(jobId);
    if (!fileId) return;
    if (event.progress.playable && !this.playable.has(jobId)) await this.lookUp(jobId);
    const { stage, percent, etaSeconds, speed } = event.progress;
    this.send('progress', { jobId, fileId, stage, percent, etaSeconds, speed } satisfies OwnerProgressEvent);
  }

  /** Reads the job, sends its view if the caller may see it, and remembers whose it is. */
  private async lookUp(jobId: string): Promise<string | null> {
    const view = await this.deps.loadJob(jobId);
    if (this.closed) return null;
    if (this.known.size >= MAX_REMEMBERED_JOBS) this.known.clear();
    this.known.set(jobId, view ? view.fileId : null);
    if (!view) return null;
    if (view.playable) this.playable.add(jobId);
    else this.playable.delete(jobId);
    this.send('job', view);
    return view.fileId;
  }

  private send(event: string, data: unknown): void {
    if (!this.closed) this.deps.sink.write(formatSseEvent({ id: this.position, event, data }));
  }
}
