import { openAsBlob } from 'node:fs';
import path from 'node:path';

export interface TranscodeStatusBody {
  fileId: string;
  jobId: string;
  status: 'queued' | 'processing' | 'completed' | 'failed' | 'cancelled';
  progress: number;
  stage: string | null;
  renditions: Record<string, unknown>[];
  hlsUrl: string | null;
  error: { code: string; message: string } | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(`${detail} (HTTP ${status}, ${code})`);
    this.name = 'ApiError';
  }
}

/** A thin client for the Reelforge HTTP API, used by the CLI and the demo. */
export class ReelforgeClient {
  constructor(
    private readonly baseUrl: string,
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

  async status(fileId: string): Promise<TranscodeStatusBody> {
    return this.request('GET', `/api/media/transcode/${encodeURIComponent(fileId)}`);
  }

  private async request<T>(method: string, route: string, body?: RequestInit['body'], headers: Record<string, string> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(route, this.baseUrl), { method, body, headers: { authorization: `Bearer ${this.token}`, ...headers } });
    } catch (err) {
      throw new ApiError(0, 'unreachable', `Cannot reach ${this.baseUrl}: ${(err as Error).message}`);
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!res.ok) throw new ApiError(res.status, String(json.code ?? 'unknown'), String(json.detail ?? res.statusText));
    return json as T;
  }
}
