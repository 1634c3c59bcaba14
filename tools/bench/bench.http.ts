import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { BENCH_TOKEN } from './bench.stack.js';

const auth = { authorization: `Bearer ${BENCH_TOKEN}` };

/** POST /api/media/upload; returns the new file's id. */
export async function uploadFile(baseUrl: string, file: string): Promise<string> {
  const form = new FormData();
  form.append('file', await openAsBlob(file), path.basename(file));
  const res = await fetch(`${baseUrl}/api/media/upload`, { method: 'POST', headers: auth, body: form });
  if (res.status !== 201) throw new Error(`upload refused: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { fileId: string }).fileId;
}

/** POST /api/media/transcode; returns the job id, throws unless the job was accepted (202). */
export async function submitTranscode(baseUrl: string, body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${baseUrl}/api/media/transcode`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new Error(`transcode request refused: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { jobId: string }).jobId;
}

/** Polls until `url` answers 2xx. */
export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (!isAlive()) throw new Error(`the process behind ${url} exited during start-up`);
    if (Date.now() > deadline) throw new Error(`${url} did not become ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
