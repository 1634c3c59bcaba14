import { openAsBlob } from 'node:fs';
import path from 'node:path';
import type { JobView, OwnerUsage } from '@reelforge/db';

/** GET /api/media/jobs: the same job view as the status route, newest first. */
export interface JobsPageBody {
  items: JobView[];
  nextCursor: string | null;
}

/** GET /api/admin/usage. */
export interface UsageReportBody {
  owners: OwnerUsage[];
}

/** One delivery of GET /api/webhooks/deliveries (the fields the CLI shows; the JSON output has them all). */
export interface WebhookDeliveryBody {
  deliveryId: string;
  owner: string;
  jobId: string;
  eventId: string;
  eventType: string;
  url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempt: number;
  redelivery: number;
  responseStatus: number | null;
  error: string | null;
  createdAt: string;
  attempts?: { attempt: number; at: string; outcome: string; responseStatus: number | null; error: string | null }[];
}

export interface WebhookDeliveriesPageBody {
  items: WebhookDeliveryBody[];
  nextCursor: string | null;
}

/** `status` 0 means no HTTP answer at all (connection refused, DNS, TLS). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(status === 0 ? detail : `${detail} (HTTP ${status}, ${code})`);
    this.name = 'ApiError';
  }
}

/** A thin client for the Reelforge HTTP API, used by the CLI and the demo. */
export class ReelforgeClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async upload(file: string): Promise<{ fileId: string; sizeBytes: number; durationS: number | null }> {
    const form = new FormData();
    // openAsBlob streams from disk: the file is never read into memory whole.
    form.append('file', await openAsBlob(file), path.basename(file));
    return this.request('POST', '/api/media/upload', form);
  }

  async transcode(fileId: string, extra: Record<string, unknown> = {}): Promise<{ jobId: string; status: string }> {
    return this.request('POST', '/api/media/transcode', JSON.stringify({ fileId, ...extra }), { 'content-type': 'application/json' });
  }

  async status(fileId: string): Promise<JobView> {
    return this.request('GET', `/api/media/transcode/${encodeURIComponent(fileId)}`);
  }

  async listJobs(query: { status?: string; limit?: number; cursor?: string } = {}): Promise<JobsPageBody> {
    return this.request('GET', `/api/media/jobs${searchOf(query)}`);
  }

  /** The caller's webhook deliveries (administrators: every owner's, or `owner`'s). */
  async listWebhookDeliveries(query: { owner?: string; status?: string; limit?: number; cursor?: string } = {}): Promise<WebhookDeliveriesPageBody> {
    return this.request('GET', `/api/webhooks/deliveries${searchOf(query)}`);
  }

  async redeliverWebhook(deliveryId: string): Promise<WebhookDeliveryBody> {
    return this.request('POST', `/api/webhooks/deliveries/${encodeURIComponent(deliveryId)}/redeliver`);
  }

  /** Usage per owner (administrators only); `owner` narrows it to one. */
  async usage(owner?: string): Promise<UsageReportBody> {
    return this.request('GET', `/api/admin/usage${owner === undefined ? '' : `?${new URLSearchParams({ owner })}`}`);
  }

  /** Opens the live progress stream (Server-Sent Events) of a file's job. */
  async events(fileId: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const res = await this.send('GET', `/api/media/transcode/${encodeURIComponent(fileId)}/events`, undefined, { accept: 'text/event-stream' }, signal);
    if (!res.ok || !res.body) throw await this.errorOf(res);
    return res.body;
  }

  private async request<T>(method: string, route: string, body?: RequestInit['body'], headers: Record<string, string> = {}): Promise<T> {
    const res = await this.send(method, route, body, headers);
    if (!res.ok) throw await this.errorOf(res);
    const text = await res.text();
    try {
      return (text ? JSON.parse(text) : {}) as T;
    } catch {
      throw new ApiError(res.status, 'invalid_response', `${this.baseUrl} answered ${method} ${route} with something other than JSON`);
    }
  }

  private async send(method: string, route: string, body: RequestInit['body'], headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    try {
      // Appended, not resolved: a server behind a path prefix (https://host/reelforge) keeps its prefix.
      return await fetch(`${this.baseUrl.replace(/\/+$/, '')}${route}`, { method, body, signal, headers: { authorization: `Bearer ${this.token}`, ...headers } });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ApiError(0, 'unreachable', `Cannot reach ${this.baseUrl}: ${cause?.message ?? (err as Error).message}`);
    }
  }

  private async errorOf(res: Response): Promise<ApiError> {
    const text = await res.text().catch(() => '');
    let problem: { code?: unknown; detail?: unknown } = {};
    try {
      problem = JSON.parse(text) as typeof problem;
    } catch {
      // Not problem+json (a proxy's error page, say): fall back to the status line.
    }
    return new ApiError(res.status, String(problem.code ?? 'http_error'), String(problem.detail ?? (res.statusText || `HTTP ${res.status}`)));
  }
}

function searchOf(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  return params.size > 0 ? `?${params}` : '';
}
