import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the shared real-stack harness lives in the root test/support
import { auth, submitTranscode, uploadFile } from '../../../test/support/http.js';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the shared real-stack harness lives in the root test/support
import { startTestStack, type TestStack } from '../../../test/support/test-stack.js';
import { expectProblem } from './support/problem.expect.js';

/** Sends exactly these header bytes, for values fetch refuses to send (non-ASCII, odd spacing). */
function rawGet(baseUrl: string, path: string, headers: Record<string, string>): Promise<Response> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'GET', headers, insecureHTTPParser: true }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') out.set(k, v);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode!, headers: out }));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const post = (stack: TestStack, path: string, body: RequestInit['body'], headers: Record<string, string> = {}) =>
  fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { ...auth, ...headers }, body });

describe('bad requests to the API: auth, routes and the transcode body', () => {
  let stack: TestStack;
  let fileId: string;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    const upload = await uploadFile(stack.baseUrl, await makeFixture('tiny-240p', { durationS: 1 }), 'clip.mp4');
    expect(upload.status).toBe(201);
    ({ fileId } = (await upload.json()) as { fileId: string });
  });
  afterAll(async () => {
    await stack?.stop();
    await cleanupFixtures();
  });

  const jobCount = async () => (await stack.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM transcoding_jobs')).rows[0]!.n;

  describe('authentication', () => {
    it('when no Authorization header is sent, then it is 401 unauthorized with a Bearer challenge', async () => {
      const res = await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}`);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="reelforge"');
      await expectProblem(res, 401, 'unauthorized');
    });

    it.each([
      ['a Basic scheme', 'Basic dXNlcjpwYXNz'],
      ['the scheme alone', 'Bearer'],
      ['two tokens', 'Bearer test-token-0123456789 extra'],
      ['no space after the scheme', 'Bearertest-token-0123456789'],
    ])('when the Authorization header is malformed (%s), then it is 401 unauthorized', async (_case, header) => {
      await expectProblem(await fetch(`${stack.baseUrl}/api/media/transcode/${fileId}`, { headers: { authorization: header } }), 401, 'unauthorized');
    });

    it('when the token is wrong, then it is 401 unauthorized, the token is not echoed and nothing is created', async () => {
      const before = await jobCount();
      const res = await submitTranscode(stack.baseUrl, { fileId }, { authorization: 'Bearer not-the-token-s3cr3t' });
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      await expectProblem(res, 401, 'unauthorized', ['not-the-token-s3cr3t']);
      expect(await jobCount()).toBe(before);
    });

    it('when the token has non-ASCII bytes, then it is 401 unauthorized, not a crash', async () => {
      const res = await rawGet(stack.baseUrl, `/api/media/transcode/${fileId}`, { authorization: 'Bearer t\u00e9st\u00ff' });
      await expectProblem(res, 401, 'unauthorized');
    });
  });

  describe('routes and methods', () => {
    it('when the route does not exist, then it is 404 route_not_found (after auth under /api)', async () => {
      await expectProblem(await fetch(`${stack.baseUrl}/api/nope`, { headers: auth }), 404, 'route_not_found');
      await expectProblem(await fetch(`${stack.baseUrl}/nope`), 404, 'route_not_found');
      await expectProblem(await fetch(`${stack.baseUrl}/api/nope`), 401, 'unauthorized');
    });

    it.each([
      ['GET', '/api/media/upload', 'POST'],
      ['PUT', '/api/media/transcode', 'POST'],
      ['DELETE', '/api/media/transcode/abc123', 'GET, HEAD'],
    ])('when %s is used on %s, then it is 405 method_not_allowed with Allow', async (method, path, allow) => {
      const res = await fetch(`${stack.baseUrl}${path}`, { method, headers: auth });
      expect(res.headers.get('allow')).toBe(allow);
      await expectProblem(res, 405, 'method_not_allowed');
    });

    it('when the fileId is unknown, then status is 404 file_not_found', async () => {
      await expectProblem(await fetch(`${stack.baseUrl}/api/media/transcode/nosuchfile`, { headers: auth }), 404, 'file_not_found');
    });

    it.each([
      ['a NUL byte', '%00'],
      ['upper case and dots', 'A..B'],
      ['unicode', '%F0%9F%8E%AC'],
      ['65 characters', 'a'.repeat(65)],
    ])('when the path fileId has %s, then it is 404 file_not_found before any query (also for sub-routes)', async (_case, id) => {
      await expectProblem(await fetch(`${stack.baseUrl}/api/media/transcode/${id}`, { headers: auth }), 404, 'file_not_found');
      await expectProblem(await post(stack, `/api/media/transcode/${id}/cancel`, undefined), 404, 'file_not_found');
    });

    it('when the path has a broken percent-encoding, then it is 400 invalid_request', async () => {
      await expectProblem(await fetch(`${stack.baseUrl}/api/media/transcode/%E0%A4%A`, { headers: auth }), 400, 'invalid_request');
    });
  });

  describe('POST /api/media/transcode body', () => {
    it('when the fileId is unknown, then it is 404 file_not_found and no job row is written', async () => {
      const before = await jobCount();
      await expectProblem(await submitTranscode(stack.baseUrl, { fileId: 'nosuchfile' }), 404, 'file_not_found');
      expect(await jobCount()).toBe(before);
    });

    it.each([
      ['a syntax error', '{"fileId": '],
      ['a trailing comma', '{"fileId": "abc",}'],
      ['a bare string (strict mode)', '"abc"'],
      ['null', 'null'],
    ])('when the JSON has %s, then it is 400 invalid_json', async (_case, body) => {
      await expectProblem(await post(stack, '/api/media/transcode', body, { 'content-type': 'application/json' }), 400, 'invalid_json');
    });

    it('when fields have the wrong types, then it is 400 invalid_request with one issue per field path', async () => {
      const res = await submitTranscode(stack.baseUrl, { fileId: 42, priority: 'high', ladder: { rungs: [{ height: '720' }] } });
      const problem = await expectProblem(res, 400, 'invalid_request');
      expect(problem.details?.issues?.map((i) => i.path).sort()).toEqual(['fileId', 'ladder.rungs.0.height', 'priority']);
    });

    it('when fileId is missing or the body is empty, then it is 400 invalid_request naming fileId', async () => {
      for (const body of ['{}', '']) {
        const problem = await expectProblem(await post(stack, '/api/media/transcode', body, { 'content-type': 'application/json' }), 400, 'invalid_request');
        expect(problem.details?.issues).toEqual([{ path: 'fileId', message: expect.any(String) }]);
      }
    });

    it('when unknown fields are sent, then it is 400 invalid_request with each unknown field at its own path', async () => {
      const res = await submitTranscode(stack.baseUrl, { fileId, fileID: fileId, ladder: { rungz: [] }, __proto__x: 1 });
      const problem = await expectProblem(res, 400, 'invalid_request');
      expect(problem.details?.issues).toEqual(
        expect.arrayContaining([
          { path: 'fileID', message: 'unknown field' },
          { path: '__proto__x', message: 'unknown field' },
          { path: 'ladder.rungz', message: 'unknown field' },
        ]),
      );
    });

    it('when a __proto__ key is sent, then it is refused as an unknown field, not merged', async () => {
      const res = await post(stack, '/api/media/transcode', `{"fileId":"${fileId}","__proto__":{"priority":5}}`, { 'content-type': 'application/json' });
      const problem = await expectProblem(res, 400, 'invalid_request');
      expect(problem.details?.issues).toEqual([{ path: '__proto__', message: 'unknown field' }]);
    });

    it.each([
      ['an empty rung list', { rungs: [] }, 'ladder.rungs'],
      ['a rung below 144p', { rungs: [{ height: 100 }] }, 'ladder.rungs.0.height'],
      ['duplicate rungs', { rungs: [{ height: 360 }, { height: 360 }] }, 'ladder.rungs'],
      ['an unknown preset', { preset: 'placebo' }, 'ladder.preset'],
      ['a fractional segment length', { segmentSeconds: 2.5 }, 'ladder.segmentSeconds'],
      ['a ladder that is not an object', 'fast', 'ladder'],
    ])('when the ladder has %s, then it is 400 invalid_request at %s', async (_case, ladder, path) => {
      const problem = await expectProblem(await submitTranscode(stack.baseUrl, { fileId, ladder }), 400, 'invalid_request');
      expect(problem.details?.issues?.map((i) => i.path)).toContain(path);
    });

    it.each([
      ['not a URL', 'not a url'],
      ['a file: URL', 'file:///etc/passwd'],
      ['a javascript: URL', 'javascript:alert(1)'],
      ['a control character', 'https://example.com/\u0000hook'],
      ['a space', 'https://example.com/a hook'],
      ['over 2048 characters', `https://example.com/${'a'.repeat(2100)}`],
    ])('when webhookUrl is %s, then it is 400 invalid_request at webhookUrl', async (_case, webhookUrl) => {
      const problem = await expectProblem(await submitTranscode(stack.baseUrl, { fileId, webhookUrl }), 400, 'invalid_request');
      expect(new Set(problem.details?.issues?.map((i) => i.path))).toEqual(new Set(['webhookUrl']));
    });

    it.each(['http://10.0.0.1/hook', 'https://127.0.0.1:8443/hook', 'http://[::1]/hook', 'http://[64:ff9b::a9fe:a9fe]/latest', 'http://169.254.169.254/latest'])(
      'when webhookUrl names the private address %s, then it is 422 webhook_url_not_allowed and no job is created',
      async (webhookUrl) => {
        const before = await jobCount();
        const problem = await expectProblem(await submitTranscode(stack.baseUrl, { fileId, webhookUrl }), 422, 'webhook_url_not_allowed');
        expect(problem.detail).toMatch(/WEBHOOK_ALLOW_PRIVATE_NETWORKS=true/);
        expect(await jobCount()).toBe(before);
      },
    );

    it.each([0, -1, 1001, 1.5, 1e308])('when priority is %p, then it is 400 invalid_request at priority', async (priority) => {
      const problem = await expectProblem(await submitTranscode(stack.baseUrl, { fileId, priority }), 400, 'invalid_request');
      expect(new Set(problem.details?.issues?.map((i) => i.path))).toEqual(new Set(['priority']));
    });

    it.each([
      ['too long', 'k'.repeat(201)],
      ['a space', 'my key'],
      ['a latin-1 byte', 'cl\u00e9'],
    ])('when the Idempotency-Key is %s, then it is 400 invalid_request and no job is created', async (_case, key) => {
      const before = await jobCount();
      const problem = await expectProblem(await submitTranscode(stack.baseUrl, { fileId }, { 'idempotency-key': key }), 400, 'invalid_request');
      expect(problem.detail).toMatch(/Idempotency-Key/);
      expect(await jobCount()).toBe(before);
    });

    it.each([
      ['text/plain', 'text/plain'],
      ['form data', 'application/x-www-form-urlencoded'],
      ['a JSON look-alike', 'application/jsonp'],
    ])('when the content type is %s, then it is 415 unsupported_media_type', async (_case, type) => {
      await expectProblem(await post(stack, '/api/media/transcode', JSON.stringify({ fileId }), { 'content-type': type }), 415, 'unsupported_media_type');
    });

    it('when the JSON uses an unsupported charset, then it is 415 unsupported_media_type', async () => {
      const res = await post(stack, '/api/media/transcode', JSON.stringify({ fileId }), { 'content-type': 'application/json; charset=iso-8859-1' });
      await expectProblem(res, 415, 'unsupported_media_type');
    });

    it('when the JSON body is huge, then it is 413 payload_too_large before it is read, and the connection is closed', async () => {
      const huge = JSON.stringify({ fileId, padding: 'x'.repeat(8 * 1024 * 1024) });
      const res = await post(stack, '/api/media/transcode', huge, { 'content-type': 'application/json' });
      expect(res.headers.get('connection')).toBe('close');
      const problem = await expectProblem(res, 413, 'payload_too_large');
      expect(problem.details).toEqual({ limitBytes: 64 * 1024 });
    });

    it('when a huge JSON body is streamed without a length, then the parser cuts it off with 413', async () => {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode(`{"fileId":"${fileId}","padding":"`));
          sent += 64 * 1024;
          if (sent > 32 * 1024 * 1024) controller.close();
          else controller.enqueue(new Uint8Array(64 * 1024).fill(0x61));
        },
      });
      const res = await fetch(`${stack.baseUrl}/api/media/transcode`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit);
      await expectProblem(res, 413, 'payload_too_large');
    });

    it('when a valid request follows all of these, then the API still answers 202', async () => {
      const res = await submitTranscode(stack.baseUrl, { fileId, priority: 5, ladder: { rungs: [{ height: 240 }] } }, { 'idempotency-key': 'valid-key-1' });
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ fileId, status: 'queued' });
    });
  });
});
