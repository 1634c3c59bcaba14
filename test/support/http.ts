import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { TEST_TOKEN } from './test-stack.js';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const auth = bearer(TEST_TOKEN);

export async function uploadFile(baseUrl: string, file: string, name = path.basename(file), headers: Record<string, string> = auth): Promise<Response> {
  const form = new FormData();
  form.append('file', await openAsBlob(file), name);
  return fetch(`${baseUrl}/api/media/upload`, { method: 'POST', headers, body: form });
}

export async function submitTranscode(baseUrl: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}/api/media/transcode`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export interface StatusBody {
  status: string;
  progress: number;
  stage: string | null;
  renditions: Record<string, unknown>[];
  hlsUrl: string | null;
  error: { code: string; message: string } | null;
  attempts: number;
}

export async function getStatus(baseUrl: string, fileId: string, headers: Record<string, string> = auth): Promise<StatusBody> {
  const res = await fetch(`${baseUrl}/api/media/transcode/${fileId}`, { headers });
  if (!res.ok) throw new Error(`status ${res.status}: ${await res.text()}`);
  return (await res.json()) as StatusBody;
}

/** Polls the status route until the job settles; every sample is handed to `onSample`. */
export async function waitForSettled(
  baseUrl: string,
  fileId: string,
  { timeoutMs = 90_000, onSample, headers = auth }: { timeoutMs?: number; onSample?: (s: StatusBody) => void | Promise<void>; headers?: Record<string, string> } = {},
): Promise<StatusBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await getStatus(baseUrl, fileId, headers);
    await onSample?.(status);
    if (['completed', 'failed', 'cancelled'].includes(status.status)) return status;
    if (Date.now() > deadline) throw new Error(`job for ${fileId} still ${status.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
