import type { ApiClient } from './api.client.js';
import type { JobItem, ProgressEvent } from './job.item.js';
import type { JobsAction } from './jobs.reducer.js';

export interface LiveFeedDeps {
  api: ApiClient;
  dispatch(action: JobsAction): void;
  /** Called when the list should be (re)loaded: the stream is open, or events may have been missed. */
  reload(): void;
  onConnection(connected: boolean): void;
}

const MAX_BACKOFF_MS = 15_000;

/**
 * The owner-wide event stream (GET /api/events): one EventSource for the whole list. EventSource would
 * reconnect by itself with the same URL, but the stream token in it is single-use; so on any error the
 * source is closed and a new one opened with a fresh token, after a growing pause.
 */
export class LiveFeed {
  private source: EventSource | null = null;
  private timer: number | undefined;
  private failures = 0;
  private stopped = false;

  constructor(private readonly deps: LiveFeedDeps) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.source?.close();
    this.source = null;
  }

  private async connect(): Promise<void> {
    let token: string;
    try {
      token = await this.deps.api.streamToken();
    } catch {
      this.retryLater();
      return;
    }
    if (this.stopped) return;
    const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    this.source = source;
    source.addEventListener('ready', () => {
      this.failures = 0;
      this.deps.onConnection(true);
      this.deps.reload();
    });
    source.addEventListener('resync', () => this.deps.reload());
    source.addEventListener('job', (event) => this.deps.dispatch({ type: 'job', job: JSON.parse((event as MessageEvent<string>).data) as JobItem }));
    source.addEventListener('progress', (event) =>
      this.deps.dispatch({ type: 'progress', event: JSON.parse((event as MessageEvent<string>).data) as ProgressEvent }),
    );
    source.onerror = () => {
      source.close();
      if (this.source !== source) return;
      this.source = null;
      this.deps.onConnection(false);
      this.retryLater();
    };
  }

  private retryLater(): void {
    if (this.stopped) return;
    this.failures += 1;
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.failures, 5));
    this.timer = window.setTimeout(() => void this.connect(), delay);
  }
}
