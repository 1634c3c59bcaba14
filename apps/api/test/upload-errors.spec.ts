import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ErrorCode } from '@reelforge/errors';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the shared real-stack harness lives in the root test/support
import { auth } from '../../../test/support/http.js';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the shared real-stack harness lives in the root test/support
import { startTestStack, type TestStack } from '../../../test/support/test-stack.js';
import { buildMultipart, type MultipartPart } from './support/multipart.builder.js';
import { expectProblem } from './support/problem.expect.js';

const MAX_UPLOAD_BYTES = 1024 * 1024;

interface StoredFile {
  fileId: string;
  originalName: string;
  storageKey: string;
}

/** A multipart upload of `total` file bytes made on the fly; `pulled()` tells how far the sender got. */
function streamedUpload(total: number) {
  const chunk = new Uint8Array(64 * 1024).fill(1);
  const head = buildMultipart([{ field: 'file', filename: 'stream.mp4', content: '' }], { closed: false }).body;
  const boundary = /^--([^\r]+)/.exec(head.toString('latin1'))![1]!;
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // Without the part's trailing CRLF: the file bytes follow the part header directly.
      controller.enqueue(new Uint8Array(head.subarray(0, head.length - 2)));
    },
    pull(controller) {
      if (pulled >= total) {
        controller.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
        controller.close();
        return;
      }
      pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, total, pulled: () => pulled };
}

describe('bad uploads: every one is a 4xx problem and leaves nothing behind', () => {
  let stack: TestStack;
  let spool: string;
  let video: Buffer;

  beforeAll(async () => {
    spool = await mkdtemp(path.join(os.tmpdir(), 'reelforge-spool-'));
    stack = await startTestStack({ worker: false, env: { MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES), UPLOAD_TMP_DIR: spool } });
    video = await readFile(await makeFixture('tiny-240p', { durationS: 1 }));
    expect(video.length).toBeLessThan(MAX_UPLOAD_BYTES);
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(spool, { recursive: true, force: true });
    await cleanupFixtures();
  });

  /** Rows, stored objects and spool entries: what a refused upload must not add to. */
  async function footprint() {
    const rows = (await stack.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM files')).rows[0]!.n;
    const objects: string[] = [];
    for await (const object of stack.storage.list('uploads')) objects.push(object.key);
    return { rows, objects: objects.length, spooled: await readdir(spool) };
  }

  async function expectRefusedWithoutTrace(send: () => Promise<Response>, status: number, code: ErrorCode) {
    const before = await footprint();
    const problem = await expectProblem(await send(), status, code);
    expect(await footprint()).toEqual({ ...before, spooled: [] });
    return problem;
  }

  const postUpload = (body: RequestInit['body'], contentType: string | undefined, extra: RequestInit = {}) =>
    fetch(`${stack.baseUrl}/api/media/upload`, {
      method: 'POST',
      headers: { ...auth, ...(contentType ? { 'content-type': contentType } : {}) },
      body,
      ...extra,
    });

  const postParts = (parts: MultipartPart[], options?: { closed?: boolean }) => {
    const { body, contentType } = buildMultipart(parts, options);
    return postUpload(body, contentType);
  };

  /** Uploads the fixture under `name` and returns the API's answer plus the row as stored. */
  async function uploadNamed(name: string, send: 'form-data' | 'raw' = 'form-data'): Promise<StoredFile> {
    let res: Response;
    if (send === 'form-data') {
      const form = new FormData();
      form.append('file', new Blob([video], { type: 'video/mp4' }), name);
      res = await fetch(`${stack.baseUrl}/api/media/upload`, { method: 'POST', headers: auth, body: form });
    } else {
      res = await postParts([{ field: 'file', filename: name, contentType: 'video/mp4', content: video }]);
    }
    expect({ status: res.status, body: await res.clone().text() }).toMatchObject({ status: 201 });
    const { fileId, originalName } = (await res.json()) as { fileId: string; originalName: string };
    const row = await stack.db.pool.query<{ original_name: string; storage_key: string }>('SELECT original_name, storage_key FROM files WHERE id = $1', [fileId]);
    expect(row.rows[0]!.original_name).toBe(originalName);
    // The client's name stays in Postgres; the key has a fixed name whatever the client sent.
    const storageKey = row.rows[0]!.storage_key;
    expect(storageKey).toBe(`uploads/${fileId}/source`);
    const keys: string[] = [];
    for await (const object of stack.storage.list(`uploads/${fileId}`)) keys.push(object.key);
    expect(keys).toEqual([storageKey]);
    expect((await stack.storage.stat(storageKey))?.bytes).toBe(video.length);
    expect(await readdir(spool)).toEqual([]);
    return { fileId, originalName, storageKey };
  }

  describe('content type and framing', () => {
    it.each([
      ['a raw video body', 'video/mp4'],
      ['a JSON body', 'application/json'],
      ['urlencoded form data', 'application/x-www-form-urlencoded'],
      ['no content type', undefined],
    ])('when the upload is %s, then it is 415 unsupported_media_type', async (_case, type) => {
      await expectRefusedWithoutTrace(() => postUpload(video, type), 415, 'unsupported_media_type');
    });

    it('when multipart has no boundary, then it is 400 invalid_multipart', async () => {
      await expectRefusedWithoutTrace(() => postUpload(video, 'multipart/form-data'), 400, 'invalid_multipart');
    });

    it('when the multipart body is empty, then it is 400 missing_file', async () => {
      await expectRefusedWithoutTrace(() => postUpload('', 'multipart/form-data; boundary=xyz'), 400, 'missing_file');
    });

    it('when the multipart body has no parts at all, then it is 400 missing_file', async () => {
      await expectRefusedWithoutTrace(() => postUpload('--xyz--\r\n', 'multipart/form-data; boundary=xyz'), 400, 'missing_file');
    });

    it('when the file is sent under another field name, then it is 400 missing_file', async () => {
      const send = () => postParts([{ field: 'video', filename: 'clip.mp4', content: video }]);
      await expectRefusedWithoutTrace(send, 400, 'missing_file');
    });

    it('when "file" is a plain text field, then it is 400 missing_file', async () => {
      await expectRefusedWithoutTrace(() => postParts([{ field: 'file', content: 'clip.mp4' }]), 400, 'missing_file');
    });

    it('when a browser sends an empty file input (no name, no bytes), then it is 400 missing_file', async () => {
      const send = () => postParts([{ field: 'file', filename: '', content: Buffer.alloc(0) }]);
      await expectRefusedWithoutTrace(send, 400, 'missing_file');
    });

    it('when the multipart body is cut off before its closing boundary, then it is 400 invalid_multipart', async () => {
      const send = () => postParts([{ field: 'file', filename: 'clip.mp4', content: video }], { closed: false });
      await expectRefusedWithoutTrace(send, 400, 'invalid_multipart');
    });

    it('when the file is zero bytes, then it is 422 invalid_media', async () => {
      const send = () => postParts([{ field: 'file', filename: 'empty.mp4', content: Buffer.alloc(0) }]);
      await expectRefusedWithoutTrace(send, 422, 'invalid_media');
    });

    it('when the file is not media, then it is 422 invalid_media', async () => {
      const send = () => postParts([{ field: 'file', filename: 'notes.mp4', content: 'just some text, not a video\n'.repeat(100) }]);
      await expectRefusedWithoutTrace(send, 422, 'invalid_media');
    });

    it('when two files are sent, then only the first "file" part is kept', async () => {
      const res = await postParts([
        { field: 'file', filename: 'first.mp4', content: video },
        { field: 'file', filename: 'second.mp4', content: video },
      ]);
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ originalName: 'first.mp4', sizeBytes: video.length });
    });
  });

  describe('size limit (MAX_UPLOAD_BYTES = 1 MiB)', () => {
    it('when the file is exactly the limit, then it passes the size check (and is judged as media)', async () => {
      const send = () => postParts([{ field: 'file', filename: 'edge.bin', content: Buffer.alloc(MAX_UPLOAD_BYTES, 7) }]);
      await expectRefusedWithoutTrace(send, 422, 'invalid_media');
    });

    it('when the file is one byte over the limit, then it is 413 payload_too_large', async () => {
      const send = () => postParts([{ field: 'file', filename: 'edge.bin', content: Buffer.alloc(MAX_UPLOAD_BYTES + 1, 7) }]);
      const problem = await expectRefusedWithoutTrace(send, 413, 'payload_too_large');
      expect(problem.details).toEqual({ limitBytes: MAX_UPLOAD_BYTES });
    });

    it('when Content-Length declares more than the limit, then it is 413 at once and the connection is closed', async () => {
      const send = () => postParts([{ field: 'file', filename: 'big.mp4', content: Buffer.alloc(8 * MAX_UPLOAD_BYTES) }]);
      const before = await footprint();
      const res = await send();
      expect(res.headers.get('connection')).toBe('close');
      await expectProblem(res, 413, 'payload_too_large');
      expect(await footprint()).toEqual({ ...before, spooled: [] });
    });

    it('when an oversize upload is streamed without a length, then it is refused while streaming: 413, not a reset', async () => {
      const upload = streamedUpload(256 * MAX_UPLOAD_BYTES);
      const before = await footprint();
      const res = await postUpload(upload.body, upload.contentType, { duplex: 'half' } as RequestInit);
      expect(res.headers.get('connection')).toBe('close');
      await expectProblem(res, 413, 'payload_too_large');
      // The server stopped reading: the client got no further than the limit plus socket buffers.
      expect(upload.pulled()).toBeLessThan(upload.total / 8);
      expect(await footprint()).toEqual({ ...before, spooled: [] });
    });

    it('when a large upload comes without a token, then it is 401 at once and the body is not read', async () => {
      const upload = streamedUpload(256 * MAX_UPLOAD_BYTES);
      const res = await fetch(`${stack.baseUrl}/api/media/upload`, {
        method: 'POST',
        headers: { 'content-type': upload.contentType },
        body: upload.body,
        duplex: 'half',
      } as RequestInit);
      expect(res.headers.get('connection')).toBe('close');
      await expectProblem(res, 401, 'unauthorized');
      expect(upload.pulled()).toBeLessThan(upload.total / 8);
    });
  });

  describe('file names', () => {
    it.each([
      ['a POSIX traversal', '../../etc/passwd.mp4', 'passwd.mp4'],
      ['a Windows traversal', '..\\..\\Windows\\System32\\evil.mp4', 'evil.mp4'],
      ['an absolute path', '/etc/shadow.mp4', 'shadow.mp4'],
    ])('when the name is %s, then the last component is kept as the name and the key is uploads/<fileId>/source', async (_case, name, kept) => {
      const stored = await uploadNamed(name, 'raw');
      expect(stored.originalName).toBe(kept);
    });

    it('when the name is only dots, then it falls back to a neutral name', async () => {
      const stored = await uploadNamed('..', 'raw');
      expect(stored.originalName).toBe('upload');
    });

    it.each([
      ['emoji', '🎬 Premiere 🍿.mp4'],
      ['Hebrew (RTL)', 'סרט חתונה.mp4'],
      ['Arabic (RTL)', 'فيديو العطلة.mov'],
      ['CJK', '東京の夜.mkv'],
      ['NFC accents', 'Caf\u00e9 cr\u00e8me.mp4'],
    ])('when the name is %s, then it is kept exactly (the key never contains it)', async (_case, name) => {
      const stored = await uploadNamed(name);
      expect(stored.originalName).toBe(name);
    });

    it('when the name is NFD, then it is stored in NFC', async () => {
      const stored = await uploadNamed('Cafe\u0301 cre\u0300me.mp4');
      expect(stored.originalName).toBe('Caf\u00e9 cr\u00e8me.mp4');
    });

    it('when the name hides its extension with a bidi override, then the override is removed', async () => {
      const stored = await uploadNamed('invoice\u202egpj.exe', 'raw');
      expect(stored.originalName).toBe('invoicegpj.exe');
    });

    it('when the name has TAB and C1 control characters, then they are removed', async () => {
      const stored = await uploadNamed('a\tb\u0085c\u009b31md.mp4', 'raw');
      expect(stored.originalName).toBe('abc31md.mp4');
    });

    it('when NUL and ESC arrive percent-encoded (filename*), then they are removed (no 500 from Postgres)', async () => {
      const res = await postParts([{ field: 'file', filenameStar: 'a\u0000b\u001b[31mc\u007f.mp4', contentType: 'video/mp4', content: video }]);
      expect(res.status).toBe(201);
      const { fileId, originalName } = (await res.json()) as { fileId: string; originalName: string };
      expect(originalName).toBe('ab[31mc.mp4');
      const row = await stack.db.pool.query<{ storage_key: string }>('SELECT storage_key FROM files WHERE id = $1', [fileId]);
      expect(row.rows[0]!.storage_key).toBe(`uploads/${fileId}/source`);
    });

    it('when raw NUL or ESC bytes are in the part header, then it is 400 invalid_multipart (not valid HTTP field text)', async () => {
      for (const name of ['a\u0000b.mp4', 'a\u001b[31mb.mp4']) {
        const send = () => postParts([{ field: 'file', filename: name, content: video }]);
        await expectRefusedWithoutTrace(send, 400, 'invalid_multipart');
      }
    });

    it('when the name is 10 000 characters, then it is shortened to 255 with the extension kept', async () => {
      const stored = await uploadNamed(`${'a'.repeat(9_996)}.mp4`);
      expect([...stored.originalName]).toHaveLength(255);
      expect(stored.originalName).toMatch(/^a+\.mp4$/);
    });

    it('when the name is 10 000 emoji, then the part header is too large: 400 invalid_multipart', async () => {
      const send = () => postParts([{ field: 'file', filename: `${'🎬'.repeat(10_000)}.mp4`, content: video }]);
      await expectRefusedWithoutTrace(send, 400, 'invalid_multipart');
    });

    it('when the name is 3 000 emoji, then it is shortened by code points, never splitting a pair', async () => {
      const stored = await uploadNamed(`${'🎬'.repeat(3_000)}.mp4`);
      expect([...stored.originalName]).toHaveLength(255);
      expect(stored.originalName).toBe(`${'🎬'.repeat(251)}.mp4`);
    });
  });
});
