import type { JobItem } from './job.item.js';
import { problemFrom } from './problem.js';
import type { TranscodeBody } from './transcode.options.js';

/** The API calls the page makes with the signed-in key; failures throw ApiProblem (problem+json detail and code). */
export class ApiClient {
  constructor(readonly key: string) {}

  authorization(): Record<string, string> {
    return { Authorization: `Bearer ${this.key}` };
  }

  async listJobs(): Promise<JobItem[]> {
    const body = (await this.call('GET', '/api/media/jobs?limit=50')) as { items: JobItem[] };
    return body.items;
  }

  async transcode(body: TranscodeBody): Promise<{ jobId: string; fileId: string }> {
    return (await this.call('POST', '/api/media/transcode', body)) as { jobId: string; fileId: string };
  }

  async cancel(fileId: string): Promise<void> {
    await this.call('POST', `/api/media/transcode/${encodeURIComponent(fileId)}/cancel`);
  }

  async retry(fileId: string): Promise<void> {
    await this.call('POST', `/api/media/transcode/${encodeURIComponent(fileId)}/retry`);
  }

  /** A one-minute, single-use credential for GET /api/events (EventSource cannot send this key as a header). */
  async streamToken(): Promise<string> {
    return ((await this.call('POST', '/api/events/stream-tokens')) as { token: string }).token;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(path, {
      method,
      headers: { ...this.authorization(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      cache: 'no-store',
    });
    const text = await res.text();
    if (!res.ok) throw problemFrom(res.status, text);
    return text ? (JSON.parse(text) as unknown) : null;
  }
}
