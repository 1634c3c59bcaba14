import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiKeysRepository } from '@reelforge/db';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { createQueue, createRedisConnection } from '@reelforge/queue';
import { originalKey } from '@reelforge/storage';
import { FileStatusSchema, ImportResponseSchema, ProblemSchema, type FileStatus } from '../../apps/api/src/openapi/response.schemas.js';
import { auth, bearer, getStatus, waitForSettled } from '../support/http.js';
import { startSourceServer, type SourceServer } from '../support/source-server.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { bullJobIn, waitFor } from '../support/wait.js';

/** A URL carrying a user name and password, built from parts (the secret scan refuses them written out). */
function withCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = 'user';
  parsed.password = 'secret';
  return parsed.href;
}

/** Above the fixture clip, far below the oversized bodies the source server streams. */
const MAX_BYTES = 2 * 1024 * 1024;

async function postImport(stack: TestStack, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(`${stack.baseUrl}/api/media/import`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function startImport(stack: TestStack, body: unknown): Promise<string> {
  const res = await postImport(stack, body);
  expect(res.status).toBe(202);
  const accepted = ImportResponseSchema.parse(await res.json());
  expect(accepted.state).toBe('importing');
  return accepted.fileId;
}

async function fileStatus(stack: TestStack, fileId: string, headers: Record<string, string> = auth): Promise<FileStatus> {
  const res = await fetch(`${stack.baseUrl}/api/media/files/${fileId}`, { headers });
  expect(res.status).toBe(200);
  return FileStatusSchema.parse(await res.json());
}

/** Waits for the import to end (the state change itself, under a generous overall limit). */
async function settledFile(stack: TestStack, fileId: string): Promise<FileStatus> {
  return waitFor(`import of ${fileId}`, async () => {
    const status = await fileStatus(stack, fileId);
    return status.state === 'importing' ? undefined : status;
  }, { timeoutMs: 60_000 });
}

describe('POST /api/media/import with private networks allowed (the source is on loopback)', () => {
  let stack: TestStack;
  let source: SourceServer;
  let tmpDir: string;

  beforeAll(async () => {
    // The long clip is within MAX_BYTES but past MAX_INPUT_DURATION_S: the sniff, not the size limit, refuses it.
    source = await startSourceServer(await makeFixture('tiny-240p', { durationS: 1 }), await makeFixture('tiny-240p', { durationS: 4 }));
    // A private UPLOAD_TMP_DIR, so the check that fetched bytes are removed sees only this stack's.
    tmpDir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-import-spec-'));
    stack = await startTestStack({
      env: {
        IMPORT_ALLOW_PRIVATE_NETWORKS: 'true',
        IMPORT_TIMEOUT_S: '3',
        MAX_UPLOAD_BYTES: String(MAX_BYTES),
        MAX_INPUT_DURATION_S: '2',
        UPLOAD_TMP_DIR: tmpDir,
      },
    });
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
    await source.close();
    await rm(tmpDir, { recursive: true, force: true });
    await cleanupFixtures();
  });

  it('when a video is imported, then the file is importing, then ready with its facts, and another owner gets a 404', async () => {
    const fileId = await startImport(stack, { url: `${source.baseUrl}/clip.mp4` });
    const ready = await settledFile(stack, fileId);
    expect(ready).toMatchObject({ fileId, state: 'ready', error: null, originalName: 'clip.mp4', mime: 'video/mp4', width: 426, height: 240, latestJob: null });
    expect(ready.sizeBytes).toBeGreaterThan(0);
    expect(await stack.storage.stat(originalKey(fileId))).not.toBeNull();

    const stranger = bearer((await new ApiKeysRepository(stack.db.pool).create({ owner: 'someone-else' })).token);
    const res = await fetch(`${stack.baseUrl}/api/media/files/${fileId}`, { headers: stranger });
    expect(res.status).toBe(404);
    expect(ProblemSchema.parse(await res.json()).code).toBe('file_not_found');
  });

  it('when imported with transcode: true, then the job shows stage importing until the fetch is done, and then completes', async () => {
    const fileId = await startImport(stack, { url: `${source.baseUrl}/gated/clip.mp4`, transcode: true, ladder: { rungs: [{ height: 240 }] } });
    // The source holds its answer: the import cannot have finished.
    await waitFor('the gated request', async () => (source.requests.includes('/gated/clip.mp4') ? true : undefined));
    expect(await getStatus(stack.baseUrl, fileId)).toMatchObject({ status: 'queued', stage: 'importing' });
    expect((await fileStatus(stack, fileId)).state).toBe('importing');
    // Transcoding it by hand meanwhile is refused: it has no original yet.
    const early = await fetch(`${stack.baseUrl}/api/media/transcode`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ fileId }),
    });
    expect(early.status).toBe(409);
    expect(ProblemSchema.parse(await early.json()).code).toBe('file_not_ready');

    source.openGate();
    const settled = await waitForSettled(stack.baseUrl, fileId);
    expect(settled).toMatchObject({ status: 'completed', error: null });
    expect((await fileStatus(stack, fileId)).state).toBe('ready');
  });

  it('when a file is deleted while it is imported with transcode: true, then the delete is immediate, its job cancelled, and nothing stays stored', async () => {
    source.reset();
    const fileId = await startImport(stack, { url: `${source.baseUrl}/gated/clip.mp4`, transcode: true });
    await waitFor('the gated request', async () => (source.requests.includes('/gated/clip.mp4') ? true : undefined));
    // Nothing runs the waiting job yet, so there is no worker to wait for: 204, not 202.
    expect((await fetch(`${stack.baseUrl}/api/media/${fileId}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect(await stack.jobs.findLatestByFileId(fileId)).toMatchObject({ status: 'cancelled' });

    source.openGate();
    const connection = createRedisConnection(stack.config.redis.url!, 'worker');
    const imports = createQueue('imports', { connection, prefix: stack.config.queue.prefix, attempts: 1 });
    try {
      // The import's own end: it found its file deleted and removed what it had stored.
      await bullJobIn('completed', () => imports.getJob(fileId), 30_000);
    } finally {
      await imports.close();
      connection.disconnect();
    }
    expect(await stack.storage.stat(originalKey(fileId))).toBeNull();
    expect((await fetch(`${stack.baseUrl}/api/media/files/${fileId}`, { headers: auth })).status).toBe(404);
  });

  it('when a file is importing without a job, then a transcode request is a 409 file_not_ready', async () => {
    const fileId = await startImport(stack, { url: `${source.baseUrl}/slow` });
    const res = await fetch(`${stack.baseUrl}/api/media/transcode`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ fileId }),
    });
    expect(res.status).toBe(409);
    expect(ProblemSchema.parse(await res.json()).code).toBe('file_not_ready');
    // The slow source then runs past IMPORT_TIMEOUT_S.
    expect(await settledFile(stack, fileId)).toMatchObject({ state: 'failed', error: { code: 'import_timeout' } });
  });

  it.each([
    ['the source answers 404', 'import_failed', '/missing'],
    ['the source is not media', 'invalid_media', '/not-media.txt'],
    ['the source is longer than MAX_INPUT_DURATION_S', 'input_too_large', '/long.mp4'],
    ['the redirects never end', 'import_failed', '/loop'],
    ['the body is larger than MAX_UPLOAD_BYTES (no Content-Length)', 'payload_too_large', `/big?bytes=${MAX_BYTES + 1024 * 1024}`],
    ['the declared Content-Length is larger than MAX_UPLOAD_BYTES', 'payload_too_large', `/big-declared?bytes=${MAX_BYTES + 1}`],
    ['a redirect leads to a file: URL', 'import_refused', `/redirect?to=${encodeURIComponent('file:///etc/passwd')}`],
    ['a redirect leads to a URL with credentials', 'import_refused', `/redirect?to=${encodeURIComponent(withCredentials('http://127.0.0.1/'))}`],
  ])('when %s, then the file fails with %s and nothing is stored', async (_why, code, path) => {
    const fileId = await startImport(stack, { url: `${source.baseUrl}${path}` });
    const failed = await settledFile(stack, fileId);
    expect(failed).toMatchObject({ state: 'failed', error: { code } });
    expect(failed.error!.message).not.toContain('secret');
    expect(await stack.storage.stat(originalKey(fileId))).toBeNull();
    // The fetched bytes do not outlive the import.
    expect(await readdir(tmpDir)).toEqual([]);
  });

  it('when the import of a transcode: true request fails, then its job fails with the import code', async () => {
    const fileId = await startImport(stack, { url: `${source.baseUrl}/missing`, transcode: true });
    expect(await waitForSettled(stack.baseUrl, fileId)).toMatchObject({ status: 'failed', error: { code: 'import_failed' } });
    // Retrying cannot help a file that has no original.
    const retry = await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}/retry`, { method: 'POST', headers: auth });
    expect(retry.status).toBe(409);
    expect(ProblemSchema.parse(await retry.json()).code).toBe('file_not_ready');
  });

  it('when transcode options come without transcode: true, or the body is malformed, then it is a 400', async () => {
    for (const body of [{ url: `${source.baseUrl}/clip.mp4`, priority: 5 }, { url: 42 }, {}, { url: `${source.baseUrl}/clip.mp4`, extra: 1 }]) {
      const res = await postImport(stack, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
  });
});

describe('POST /api/media/import with the default SSRF rules', () => {
  let stack: TestStack;
  let source: SourceServer;

  beforeAll(async () => {
    source = await startSourceServer(await makeFixture('tiny-240p', { durationS: 1 }));
    stack = await startTestStack();
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
    await source.close();
    await cleanupFixtures();
  });

  it.each([
    ['a loopback literal', () => `${source.baseUrl}/clip.mp4`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['an IPv4-mapped IPv6 loopback', () => 'http://[::ffff:127.0.0.1]/clip.mp4'],
    ['a file: URL', () => 'file:///etc/passwd'],
    ['an ftp: URL', () => 'ftp://example.com/clip.mp4'],
    ['credentials in the URL', () => withCredentials('https://example.com/clip.mp4')],
    ['a relative URL', () => '/clip.mp4'],
  ])('when the URL is %s, then it is refused at once with 422 import_refused and no file is made', async (_why, url) => {
    const res = await postImport(stack, { url: url() });
    expect(res.status).toBe(422);
    const problem = ProblemSchema.parse(await res.json());
    expect(problem.code).toBe('import_refused');
    expect(problem.detail).not.toContain('secret');
    const { rows } = await stack.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM files');
    expect(rows[0]!.n).toBe(0);
  });

  it('when a name resolves to a private address, then the import fails at fetch time with import_refused and nothing is requested', async () => {
    const port = new URL(source.baseUrl).port;
    const fileId = await startImport(stack, { url: `http://localhost:${port}/clip.mp4` });
    expect(await settledFile(stack, fileId)).toMatchObject({ state: 'failed', error: { code: 'import_refused' } });
    expect(source.requests).toEqual([]);
  });
});
