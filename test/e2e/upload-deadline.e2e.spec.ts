import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildMultipart } from '../../apps/api/test/support/multipart.builder.js';
import { startTestStack, TEST_TOKEN, type TestStack } from '../support/test-stack.js';

describe('UPLOAD_DEADLINE_S: a trickling upload is ended by the deadline', () => {
  let stack: TestStack;
  let spool: string;

  beforeAll(async () => {
    spool = await mkdtemp(path.join(os.tmpdir(), 'reelforge-deadline-'));
    stack = await startTestStack({ worker: false, env: { UPLOAD_DEADLINE_S: '1', UPLOAD_TMP_DIR: spool } });
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(spool, { recursive: true, force: true });
  });

  it('when a client sends a byte now and then past the deadline, then it gets 408 upload_deadline_exceeded and its temp file is gone', async () => {
    const { body, contentType } = buildMultipart([{ field: 'file', filename: 'clip.mp4', content: Buffer.alloc(256 * 1024, 1) }]);
    const { port } = new URL(stack.baseUrl);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    const closed = once(socket, 'close');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.write(
      `POST /api/media/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_TOKEN}\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    socket.write(body.subarray(0, 1024));
    // Far more often than the 60 s idle timeout, so only the deadline can end this upload.
    let sent = 1024;
    const trickle = setInterval(() => {
      if (socket.writable && sent < body.length - 1) socket.write(body.subarray(sent, ++sent));
    }, 50);
    try {
      await closed;
    } finally {
      clearInterval(trickle);
    }
    const answer = Buffer.concat(chunks).toString('utf8');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"code":"upload_deadline_exceeded"');
    expect(await readdir(spool)).toEqual([]);
  });
});
