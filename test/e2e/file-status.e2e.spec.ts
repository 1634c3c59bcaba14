import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import { FileStatusSchema, ProblemSchema, UploadResponseSchema } from '../../apps/api/src/openapi/response.schemas.js';
import { auth, submitTranscode, uploadFile } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

/** GET /api/media/files/:fileId through the real API (no worker: a submitted job stays queued). */
describe('GET /api/media/files/:fileId', () => {
  let stack: TestStack;
  let clip: string;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    clip = await makeFixture('tiny-240p', { durationS: 1 });
  });
  afterAll(async () => {
    await stack.stop();
    await cleanupFixtures();
  });

  const fileStatus = async (fileId: string) => {
    const res = await fetch(`${stack.baseUrl}/api/media/files/${fileId}`, { headers: auth });
    expect(res.status).toBe(200);
    return FileStatusSchema.parse(await res.json());
  };

  it('when a file has no job yet, then it is ready with the facts the upload answered, and its latest job once one is submitted', async () => {
    const res = await uploadFile(stack.baseUrl, clip, 'holiday.mp4');
    expect(res.status).toBe(201);
    const uploaded = UploadResponseSchema.parse(await res.json());

    expect(await fileStatus(uploaded.fileId)).toEqual({ ...uploaded, state: 'ready', error: null, latestJob: null });

    const submitted = (await (await submitTranscode(stack.baseUrl, { fileId: uploaded.fileId })).json()) as { jobId: string };
    expect((await fileStatus(uploaded.fileId)).latestJob).toEqual({ jobId: submitted.jobId, status: 'queued' });
  });

  it('when the id is unknown or malformed, then reading or deleting it is a 404 problem; another method is a 405, also for DELETE on the fixed routes', async () => {
    for (const id of ['nosuchfile', 'Not%20An%20Id', 'x'.repeat(65)]) {
      for (const [method, path] of [['GET', `/api/media/files/${id}`], ['DELETE', `/api/media/${id}`]] as const) {
        const res = await fetch(`${stack.baseUrl}${path}`, { method, headers: auth });
        expect({ method, id, status: res.status, type: res.headers.get('content-type') }).toEqual({
          method,
          id,
          status: 404,
          type: expect.stringMatching(/^application\/problem\+json/),
        });
        expect(ProblemSchema.parse(await res.json())).toMatchObject({ code: 'file_not_found' });
      }
    }
    const post = await fetch(`${stack.baseUrl}/api/media/files/nosuchfile`, { method: 'POST', headers: auth });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${stack.baseUrl}/api/media/files/nosuchfile`)).status).toBe(401);
    // DELETE /api/media/:fileId does not swallow the fixed routes beside it.
    for (const path of ['/api/media/upload', '/api/media/transcode']) {
      expect({ path, status: (await fetch(`${stack.baseUrl}${path}`, { method: 'DELETE', headers: auth })).status }).toEqual({ path, status: 405 });
    }
  });
});
