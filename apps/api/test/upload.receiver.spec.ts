import { EventEmitter, once } from 'node:events';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { pino } from 'pino';
import { problemMiddleware } from '../src/http/problem.middleware.js';
import { MULTIPART_ALLOWANCE_BYTES, receiveUpload } from '../src/media/upload.receiver.js';
import { buildMultipart } from './support/multipart.builder.js';

const IDLE_TIMEOUT_MS = 300;
/** For uploads that must not time out while the test acts on them: longer than any test runs. */
const NEVER_IDLE_MS = 10 * 60_000;
const MAX_BYTES = 1024 * 1024;

/**
 * The receiver behind a bare Express app over real HTTP, for what the full stack cannot stage
 * quickly: a client that stalls (the production idle timeout is a minute) or vanishes mid-upload.
 */
describe('receiveUpload with stalled and vanishing clients', () => {
  let server: Server;
  let port: number;
  let spool: string;
  const outcomes = new EventEmitter();

  beforeAll(async () => {
    spool = await mkdtemp(path.join(os.tmpdir(), 'reelforge-spool-'));
    const app = express();
    app.post('/upload', async (req, res) => {
      try {
        const idleTimeoutMs = req.query.idle === 'never' ? NEVER_IDLE_MS : IDLE_TIMEOUT_MS;
        // A deadline is given only where a test is about it; elsewhere it is longer than any test runs.
        const deadlineMs = typeof req.query.deadline === 'string' ? Number(req.query.deadline) : NEVER_IDLE_MS;
        const received = await receiveUpload(req, { maxBytes: MAX_BYTES, tmpDir: spool, idleTimeoutMs, deadlineMs });
        await rm(received.dir, { recursive: true, force: true });
        outcomes.emit('settled', 'received');
        res.status(201).json({ bytes: received.bytes, originalName: received.originalName });
      } catch (err) {
        outcomes.emit('settled', (err as { code?: string }).code);
        throw err;
      }
    });
    app.use(problemMiddleware(pino({ level: 'silent' })));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(spool, { recursive: true, force: true });
  });

  /** Opens a connection and sends the request head plus the first part of a multipart body. */
  async function startUpload(path = '/upload'): Promise<Socket> {
    const { body, contentType } = buildMultipart([{ field: 'file', filename: 'clip.mp4', content: Buffer.alloc(64 * 1024, 1) }]);
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body.subarray(0, body.length / 2));
    return socket;
  }

  /** Resolves once an upload's spool file holds bytes (the server is mid-upload). */
  async function spooledBytes(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      for (const dir of await readdir(spool)) {
        const size = await stat(path.join(spool, dir, 'upload.bin')).then((s) => s.size, () => 0);
        if (size > 0) return;
      }
      if (Date.now() > deadline) throw new Error('the server never started spooling the upload');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('when the client stops sending mid-upload, then it gets 408 request_timeout and the spooled part is removed', async () => {
    const socket = await startUpload();
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    const [outcome] = await once(outcomes, 'settled');
    await once(socket, 'close');
    expect(outcome).toBe('request_timeout');
    const answer = Buffer.concat(chunks).toString('utf8');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/connection: close/i);
    expect(answer).toContain('"code":"request_timeout"');
    expect(await readdir(spool)).toEqual([]);
  });

  it('when the client disconnects mid-upload, then the spooled part is removed and the server keeps serving', async () => {
    // No idle timeout in play: with 300 ms, a slow moment here could end the upload as a timeout before the disconnect.
    const socket = await startUpload('/upload?idle=never');
    // Mid-upload means the server has started spooling what came; wait for that instead of sleeping.
    await spooledBytes();
    socket.destroy();
    const [outcome] = await once(outcomes, 'settled');
    expect(outcome).toBe('request_aborted');
    expect(await readdir(spool)).toEqual([]);

    const { body, contentType } = buildMultipart([{ field: 'file', filename: 'after.mp4', content: 'still here' }]);
    const res = await fetch(`http://127.0.0.1:${port}/upload`, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ bytes: 10, originalName: 'after.mp4' });
  });

  it('when the client trickles bytes past the upload deadline, then it gets 408 upload_deadline_exceeded and the spooled part is removed', async () => {
    // Idle never: each byte keeps the idle timeout from firing, as a trickling client would; only the deadline can end it.
    const settled = once(outcomes, 'settled');
    const socket = await startUpload('/upload?idle=never&deadline=500');
    const closed = once(socket, 'close');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    const trickle = setInterval(() => socket.writable && socket.write(Buffer.from([1])), 20);
    try {
      const [outcome] = await settled;
      expect(outcome).toBe('upload_deadline_exceeded');
      await closed;
    } finally {
      clearInterval(trickle);
    }
    const answer = Buffer.concat(chunks).toString('utf8');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"code":"upload_deadline_exceeded"');
    expect(await readdir(spool)).toEqual([]);
  });

  it('when parts besides "file" carry more than the allowance together, then it is 413 payload_too_large and nothing is left behind', async () => {
    const half = 'x'.repeat(MULTIPART_ALLOWANCE_BYTES / 2);
    for (const parts of [
      [{ field: 'a', content: half }, { field: 'b', content: half }, { field: 'file', filename: 'clip.mp4', content: 'bytes' }],
      [{ field: 'file', filename: 'clip.mp4', content: 'bytes' }, { field: 'a', content: 'y'.repeat(MULTIPART_ALLOWANCE_BYTES + 1) }],
      [{ field: 'file', filename: 'clip.mp4', content: 'bytes' }, { field: 'extra', filename: 'other.bin', content: Buffer.alloc(MULTIPART_ALLOWANCE_BYTES + 1, 2) }],
    ]) {
      const { body, contentType } = buildMultipart(parts);
      const res = await fetch(`http://127.0.0.1:${port}/upload?idle=never`, { method: 'POST', headers: { 'content-type': contentType }, body });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ code: 'payload_too_large', details: { limitBytes: MULTIPART_ALLOWANCE_BYTES } });
    }
    expect(await readdir(spool)).toEqual([]);
  });

  it('when a large file comes under another field name before any "file" part, then the answer says the field is misnamed', async () => {
    const { body, contentType } = buildMultipart([
      { field: 'video', filename: 'clip.mp4', content: Buffer.alloc(MULTIPART_ALLOWANCE_BYTES + 1, 2) },
      { field: 'file', filename: 'clip.mp4', content: 'bytes' },
    ]);
    const res = await fetch(`http://127.0.0.1:${port}/upload?idle=never`, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'missing_file', detail: expect.stringContaining('"video"') });
    expect(await readdir(spool)).toEqual([]);
  });

  it('when small fields come with the file, then the upload is accepted', async () => {
    const { body, contentType } = buildMultipart([
      { field: 'title', content: 'z'.repeat(1000) },
      { field: 'file', filename: 'clip.mp4', content: 'ok' },
    ]);
    const res = await fetch(`http://127.0.0.1:${port}/upload?idle=never`, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(res.status).toBe(201);
  });

  it('when a chunked body (no declared length) grows past the upload limit plus the allowance, then it is 413 even if busboy never sees a part', async () => {
    const { body, contentType } = buildMultipart([{ field: 'file', filename: 'clip.mp4', content: 'bytes' }]);
    // A preamble before the first boundary is skipped by the parser unseen: only the byte count catches it.
    const preamble = Buffer.alloc(MAX_BYTES + MULTIPART_ALLOWANCE_BYTES + 1, 0x61);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(preamble));
        controller.enqueue(new Uint8Array(Buffer.from('\r\n')));
        controller.enqueue(new Uint8Array(body));
        controller.close();
      },
    });
    const res = await fetch(`http://127.0.0.1:${port}/upload?idle=never`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'payload_too_large', details: { limitBytes: MAX_BYTES + MULTIPART_ALLOWANCE_BYTES } });
    expect(await readdir(spool)).toEqual([]);
  });
});
