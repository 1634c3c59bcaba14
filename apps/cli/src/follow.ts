import { isTerminalStatus, JOB_STATUSES, type JobStatus, type JobView } from '@reelforge/db';
import { ApiError, type ReelforgeClient } from './api.client.js';
import { readSseEvents } from './sse.parser.js';

/** What a progress display needs at any moment. */
export interface JobProgress {
  status: JobStatus;
  stage: string;
  percent: number;
  etaSeconds: number | null;
}

export type ProgressListener = (progress: JobProgress) => void;

export interface FollowOptions {
  /** Status polling period when the live stream is not available (default 500 ms). */
  pollIntervalMs?: number;
  now?: () => number;
}

type FollowClient = Pick<ReelforgeClient, 'status' | 'events'>;

/**
 * Follows a file's job until it is completed, failed or cancelled, and returns its final state.
 * Live events (SSE) when the server has them; otherwise, or when the stream breaks off before the
 * end, the status route every 500 ms. Refused credentials or an unknown file end the follow at once.
 */
export async function followJob(client: FollowClient, fileId: string, onProgress: ProgressListener, options: FollowOptions = {}): Promise<JobView> {
  const final = await followEvents(client, fileId, onProgress);
  return final ?? followByPolling(client, fileId, onProgress, options);
}

/** Resolves with the final state, or undefined when the stream is unavailable or ended early. */
async function followEvents(client: FollowClient, fileId: string, onProgress: ProgressListener): Promise<JobView | undefined> {
  let body: ReadableStream<Uint8Array>;
  try {
    body = await client.events(fileId);
  } catch (err) {
    // A server without the route (older) or with its event source down: the status route still answers.
    if (err instanceof ApiError && (err.code === 'route_not_found' || err.status >= 500)) return undefined;
    throw err;
  }
  try {
    for await (const event of readSseEvents(body)) {
      if (event.event === 'progress') {
        const progress = JSON.parse(event.data) as { stage: string; percent: number; etaSeconds: number | null };
        onProgress({ status: 'processing', stage: progress.stage, percent: progress.percent, etaSeconds: progress.etaSeconds });
        continue;
      }
      // `state`, then one of completed, failed or cancelled, named by the status it announces.
      if (event.event !== 'state' && !(JOB_STATUSES as readonly string[]).includes(event.event)) continue;
      const state = JSON.parse(event.data) as JobView;
      onProgress(fromStatus(state, null));
      if (isTerminalStatus(state.status)) return state;
    }
  } catch {
    // The connection dropped mid-stream; polling picks up from the current state.
  }
  return undefined;
}

async function followByPolling(client: FollowClient, fileId: string, onProgress: ProgressListener, options: FollowOptions): Promise<JobView> {
  const intervalMs = options.pollIntervalMs ?? 500;
  const now = options.now ?? Date.now;
  let firstSeen: { at: number; percent: number } | undefined;
  for (;;) {
    const state = await client.status(fileId);
    if (state.status === 'processing') firstSeen ??= { at: now(), percent: state.progress };
    else firstSeen = undefined;
    onProgress(fromStatus(state, firstSeen ? paceEta(firstSeen, now(), state.progress) : null));
    if (isTerminalStatus(state.status)) return state;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The status route has no ETA: estimate it from the pace seen since this client started watching
 * (the job may have been running for a while before). Null until there is a pace to go by.
 */
function paceEta(first: { at: number; percent: number }, at: number, percent: number): number | null {
  const gained = percent - first.percent;
  if (!(gained > 0) || at <= first.at) return null;
  return Math.round(((100 - percent) * (at - first.at)) / gained / 1000);
}

function fromStatus(state: JobView, etaSeconds: number | null): JobProgress {
  return { status: state.status, stage: state.stage ?? state.status, percent: state.progress, etaSeconds: isTerminalStatus(state.status) ? null : etaSeconds };
}
