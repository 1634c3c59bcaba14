import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import { detectOrphanGuard, freePort, spawnGuarded } from '@reelforge/process';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the shared real-stack harness lives in the root test/support
import { TEST_TOKEN } from '../../../test/support/test-stack.js';

const UPLOAD_BYTES = 1024 ** 3;
const MAX_RSS_GROWTH_MIB = 100;
const CHUNK = Buffer.alloc(1024 * 1024, 0x5a);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Resident set size of a process, from /proc (Linux), in bytes. */
async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb[1]) * 1024;
}

/**
 * Streams a multipart upload of `fileBytes` generated on the fly (one reused 1 MiB buffer), with
 * backpressure, and resolves with the response. Nothing of the body is ever held in memory here.
 */
function streamUpload(port: number, fileBytes: number): Promise<{ status: number; body: string }> {
  const boundary = `----reelforge${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/media/upload',
      headers: {
        authorization: `Bearer ${TEST_TOKEN}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': head.length + fileBytes + tail.length,
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
    });
    void (async () => {
      req.write(head);
      for (let sent = 0; sent < fileBytes; sent += CHUNK.length) {
        const chunk = fileBytes - sent >= CHUNK.length ? CHUNK : CHUNK.subarray(0, fileBytes - sent);
        if (!req.write(chunk)) await once(req, 'drain');
      }
      req.end(tail);
    })().catch(reject);
  });
}

/** Writes raw bytes on a fresh connection and returns everything the server sends before closing. */
function rawExchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(raw, 'latin1'));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

describe('the API process: upload memory stays bounded, and unparseable HTTP still gets problem+json', () => {
  let db: TestDatabase;
  let scratch: string;
  let spool: string;
  let api: ChildProcess;
  let port: number;
  let output = '';

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'mem' });
    scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-mem-'));
    spool = path.join(scratch, 'spool');
    await mkdir(spool);
    port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      DATABASE_URL: db.databaseUrl,
      DATABASE_SCHEMA: db.schema,
      REDIS_URL: process.env.REELFORGE_TEST_REDIS_URL,
      QUEUE_PREFIX: `rf-mem-${randomBytes(4).toString('hex')}`,
      API_TOKENS: TEST_TOKEN,
      EMBEDDED_DIR: scratch,
      STORAGE_DIR: path.join(scratch, 'storage'),
      UPLOAD_TMP_DIR: spool,
      MAX_UPLOAD_BYTES: String(4 * UPLOAD_BYTES),
    };
    const args = ['--import', 'tsx', path.join(repoRoot, 'apps/api/src/main.ts')];
    // setpriv execs node in place (same pid) and makes it die with this test process.
    api = spawnGuarded(await detectOrphanGuard(), process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
    };
    api.stdout!.on('data', keep);
    api.stderr!.on('data', keep);

    const deadline = Date.now() + 30_000;
    for (;;) {
      if (api.exitCode !== null) throw new Error(`the API exited with ${api.exitCode}:\n${output}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`the API did not start within 30 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);

  afterAll(async () => {
    if (api && api.exitCode === null && api.signalCode === null) {
      const exited = once(api, 'exit');
      api.kill('SIGTERM');
      await exited;
    }
    await db?.drop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('when 1 GiB is uploaded, then API RSS grows by less than 100 MiB, and the spooled file is removed', async () => {
    // Warm up every code path of an upload (busboy, ffprobe, error middleware) before the baseline.
    expect((await streamUpload(port, 1024 * 1024)).status).toBe(422);
    const baseline = await rssOf(api.pid!);

    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssOf(api.pid!));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const res = await streamUpload(port, UPLOAD_BYTES).finally(() => {
      sampling = false;
    });
    await sampler;

    // Not a real video, so the sniff refuses it once it has streamed through: the point is the streaming.
    expect({ status: res.status, code: (JSON.parse(res.body) as { code?: string }).code }).toEqual({ status: 422, code: 'invalid_media' });
    // Here: ~32 MiB of growth over a ~160 MiB baseline, 1 GiB in ~3 s; buffering the body would add ~1 GiB.
    expect(Math.round((peak - baseline) / 1024 ** 2)).toBeLessThan(MAX_RSS_GROWTH_MIB);
    expect(await readdir(spool)).toEqual([]);
    const rows = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM files');
    expect(rows.rows[0]!.n).toBe(0);
  }, 120_000);

  it.each([
    ['a garbage request line', 'NOT HTTP AT ALL\r\n\r\n', 400, 'invalid_http'],
    ['a NUL in a header', 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\n\r\n', 400, 'invalid_http'],
    ['headers over the limit', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'header_fields_too_large'],
  ])('when the client sends %s, then Node\'s parser refusal is still answered with problem+json', async (_case, raw, status, code) => {
    const answer = await rawExchange(port, raw);
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(body!)).toMatchObject({ status, code });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
