import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { CompleteMultipartUploadCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiKeysRepository } from '@reelforge/db';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
import {
  DirectUploadCompletedSchema,
  DirectUploadCreatedSchema,
  FileStatusSchema,
  ProblemSchema,
  type FileStatus,
} from '../../apps/api/src/openapi/response.schemas.js';
import { auth, bearer, getStatus, waitForSettled } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

const MAX_BYTES = 4 * 1024 * 1024;
type Created = ReturnType<typeof DirectUploadCreatedSchema.parse>;

function post(stack: TestStack, path: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function create(stack: TestStack, body: Record<string, unknown>): Promise<Created> {
  const res = await post(stack, '/api/uploads/direct', { filename: 'clip.mp4', contentType: 'video/mp4', ...body });
  expect(res.status).toBe(201);
  return DirectUploadCreatedSchema.parse(await res.json());
}

/** What a browser or `curl -T` does: PUT the bytes to the presigned URL, straight to the bucket, and keep the ETag. */
async function putPart(url: string, body: Blob | Buffer): Promise<string> {
  const res = await fetch(url, { method: 'PUT', body });
  expect(res.status).toBe(200);
  return res.headers.get('etag')!;
}

async function problemOf(res: Response): Promise<{ status: number; code: string }> {
  return { status: res.status, code: ProblemSchema.parse(await res.json()).code };
}

async function fileStatus(stack: TestStack, fileId: string): Promise<FileStatus> {
  const res = await fetch(`${stack.baseUrl}/api/media/files/${fileId}`, { headers: auth });
  expect(res.status).toBe(200);
  return FileStatusSchema.parse(await res.json());
}

/** Waits for the sniff to end (the state change itself, under a generous overall limit). */
function sniffed(stack: TestStack, fileId: string): Promise<FileStatus> {
  return waitFor(`the sniff of ${fileId}`, async () => {
    const status = await fileStatus(stack, fileId);
    return status.state === 'importing' ? undefined : status;
  }, { timeoutMs: 60_000 });
}

describe('direct-to-bucket uploads (S3 storage on s3rver, real API, worker, Postgres and Redis)', () => {
  let stack: TestStack;
  let clip: string;

  beforeAll(async () => {
    clip = await makeFixture('tiny-240p', { durationS: 2 });
    // One queued job per owner for API keys (administrators are not limited): the quota test below.
    stack = await startTestStack({ storage: 's3', env: { MAX_UPLOAD_BYTES: String(MAX_BYTES), OWNER_MAX_QUEUED_JOBS: '1' } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await cleanupFixtures();
  });

  it('when a video is PUT to its presigned URL and completed with transcode: true, then it is sniffed from the bucket, ready, and transcoded', async () => {
    const body = await openAsBlob(clip);
    const created = await create(stack, { size: body.size, transcode: true, ladder: { rungs: [{ height: 240 }] } });
    expect(created).toMatchObject({ state: 'uploading', partSize: 8 * 1024 * 1024, jobId: expect.any(String) });
    expect(created.parts.map((p) => p.partNumber)).toEqual([1]);
    expect(await fileStatus(stack, created.fileId)).toMatchObject({ state: 'uploading', originalName: 'clip.mp4', mime: 'video/mp4' });
    expect(await getStatus(stack.baseUrl, created.fileId)).toMatchObject({ status: 'queued', stage: 'importing' });

    const etag = await putPart(created.parts[0]!.url, body);
    const res = await post(stack, `/api/uploads/direct/${created.fileId}/complete`, { parts: [{ partNumber: 1, etag }] });
    expect(res.status).toBe(202);
    expect(DirectUploadCompletedSchema.parse(await res.json())).toEqual({ fileId: created.fileId, state: 'importing', sizeBytes: body.size, jobId: created.jobId });

    const ready = await sniffed(stack, created.fileId);
    expect(ready).toMatchObject({ state: 'ready', sizeBytes: body.size, mime: 'video/mp4', width: 426, height: 240, error: null });
    expect(ready.durationS).toBeCloseTo(2, 0);
    const settled = await waitForSettled(stack.baseUrl, created.fileId);
    expect(settled).toMatchObject({ status: 'completed', error: null });
    expect(await stack.storage.stat(`uploads/${created.fileId}/source`)).toMatchObject({ bytes: body.size, contentType: 'application/octet-stream' });

    // Completing again: the upload is closed.
    expect(await problemOf(await post(stack, `/api/uploads/direct/${created.fileId}/complete`, { parts: [{ partNumber: 1, etag }] }))).toEqual({
      status: 409,
      code: 'upload_not_open',
    });
  });

  it('when the bytes are not media, then the file fails with invalid_media and nothing stays in the bucket', async () => {
    const junk = randomBytes(100_000);
    const created = await create(stack, { size: junk.length, transcode: true });
    const etag = await putPart(created.parts[0]!.url, junk);
    expect((await post(stack, `/api/uploads/direct/${created.fileId}/complete`, { parts: [{ partNumber: 1, etag }] })).status).toBe(202);
    expect(await sniffed(stack, created.fileId)).toMatchObject({ state: 'failed', error: { code: 'invalid_media' } });
    expect(await waitForSettled(stack.baseUrl, created.fileId)).toMatchObject({ status: 'failed', error: { code: 'invalid_media' } });
    expect(await stack.storage.stat(`uploads/${created.fileId}/source`)).toBeNull();
  });

  it('when the part list has a wrong ETag or a missing part, then 400 invalid_upload_parts and the upload stays open for the right list', async () => {
    const body = await openAsBlob(clip);
    const created = await create(stack, { size: body.size });
    const etag = await putPart(created.parts[0]!.url, body);
    const complete = (parts: unknown) => post(stack, `/api/uploads/direct/${created.fileId}/complete`, { parts });
    expect(await problemOf(await complete([{ partNumber: 1, etag: `"${'0'.repeat(32)}"` }]))).toEqual({ status: 400, code: 'invalid_upload_parts' });
    expect(await problemOf(await complete([{ partNumber: 1, etag }, { partNumber: 2, etag }]))).toEqual({ status: 400, code: 'invalid_upload_parts' });
    expect(await problemOf(await complete([]))).toEqual({ status: 400, code: 'invalid_request' });
    expect((await fileStatus(stack, created.fileId)).state).toBe('uploading');

    expect((await complete([{ partNumber: 1, etag }])).status).toBe(202);
    expect((await sniffed(stack, created.fileId)).state).toBe('ready');
  });

  it('when the object is larger than declared, then 413 payload_too_large, the object is removed and the file fails', async () => {
    const created = await create(stack, { size: 1000 });
    const etag = await putPart(created.parts[0]!.url, randomBytes(2000));
    expect(await problemOf(await post(stack, `/api/uploads/direct/${created.fileId}/complete`, { parts: [{ partNumber: 1, etag }] }))).toEqual({
      status: 413,
      code: 'payload_too_large',
    });
    expect(await fileStatus(stack, created.fileId)).toMatchObject({ state: 'failed', error: { code: 'payload_too_large' } });
    expect(await stack.storage.stat(`uploads/${created.fileId}/source`)).toBeNull();
  });

  it('when the declared size is above MAX_UPLOAD_BYTES or not a positive integer, then the upload is refused before anything exists', async () => {
    expect(await problemOf(await post(stack, '/api/uploads/direct', { filename: 'big.mp4', size: MAX_BYTES + 1 }))).toEqual({ status: 413, code: 'payload_too_large' });
    expect(await problemOf(await post(stack, '/api/uploads/direct', { filename: 'empty.mp4', size: 0 }))).toEqual({ status: 400, code: 'invalid_request' });
    expect(await problemOf(await post(stack, '/api/uploads/direct', { filename: 'x.mp4', size: 10, priority: 5 }))).toEqual({ status: 400, code: 'invalid_request' });
  });

  it('when an upload is aborted, then its file is gone, the bucket holds no parts, and completing it is a 404', async () => {
    const body = await openAsBlob(clip);
    const created = await create(stack, { size: body.size, transcode: true });
    const etag = await putPart(created.parts[0]!.url, body);
    expect((await fetch(`${stack.baseUrl}/api/uploads/direct/${created.fileId}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await fetch(`${stack.baseUrl}/api/media/files/${created.fileId}`, { headers: auth })).status).toBe(404);
    expect(await stack.jobs.findById(created.jobId!)).toMatchObject({ status: 'cancelled' });
    expect(await openUploads(stack, created.fileId)).toEqual([]);
    expect(await problemOf(await post(stack, `/api/uploads/direct/${created.fileId}/complete`, { parts: [{ partNumber: 1, etag }] }))).toEqual({
      status: 404,
      code: 'file_not_found',
    });
  });

  it('when an upload expires, then completing it is 410 upload_expired, and the sweep aborts it and fails its file and waiting job', async () => {
    const created = await create(stack, { size: 1000, transcode: true });
    const etag = await putPart(created.parts[0]!.url, randomBytes(1000));
    expect(await openUploads(stack, created.fileId)).toHaveLength(1);
    // Past its expiry without waiting for UPLOAD_EXPIRY_S: the row is what the API and the sweep read.
    await stack.db.pool.query(`UPDATE direct_uploads SET expires_at = now() - interval '1 second' WHERE file_id = $1`, [created.fileId]);

    expect(await problemOf(await post(stack, `/api/uploads/direct/${created.fileId}/complete`, { parts: [{ partNumber: 1, etag }] }))).toEqual({
      status: 410,
      code: 'upload_expired',
    });
    expect(await stack.api.directUploads.sweepExpired()).toBeGreaterThanOrEqual(1);
    expect(await fileStatus(stack, created.fileId)).toMatchObject({ state: 'failed', error: { code: 'upload_expired' } });
    expect(await stack.jobs.findById(created.jobId!)).toMatchObject({ status: 'failed', errorCode: 'upload_expired' });
    expect(await openUploads(stack, created.fileId)).toEqual([]);
    expect(await problemOf(await post(stack, `/api/uploads/direct/${created.fileId}/complete`, { parts: [{ partNumber: 1, etag }] }))).toEqual({
      status: 409,
      code: 'upload_not_open',
    });
  });

  it('when the bucket completed an upload but the API never recorded it (it died in between), then completing again carries on, and the sweep removes what was never completed', async () => {
    const body = await openAsBlob(clip);
    const recovered = await create(stack, { size: body.size });
    const etag = await putPart(recovered.parts[0]!.url, body);
    await completeInBucket(stack, recovered, [{ PartNumber: 1, ETag: etag }]);
    expect((await post(stack, `/api/uploads/direct/${recovered.fileId}/complete`, { parts: [{ partNumber: 1, etag }] })).status).toBe(202);
    expect((await sniffed(stack, recovered.fileId)).state).toBe('ready');

    const abandoned = await create(stack, { size: 1000 });
    const abandonedEtag = await putPart(abandoned.parts[0]!.url, randomBytes(1000));
    await completeInBucket(stack, abandoned, [{ PartNumber: 1, ETag: abandonedEtag }]);
    await stack.db.pool.query(`UPDATE direct_uploads SET expires_at = now() - interval '1 second' WHERE file_id = $1`, [abandoned.fileId]);
    expect(await stack.api.directUploads.sweepExpired()).toBeGreaterThanOrEqual(1);
    expect(await fileStatus(stack, abandoned.fileId)).toMatchObject({ state: 'failed', error: { code: 'upload_expired' } });
    expect(await stack.storage.stat(`uploads/${abandoned.fileId}/source`)).toBeNull();
  });

  it("when transcode: true would pass the owner's queued-jobs limit, then 429 and neither a file nor a bucket upload is left", async () => {
    const carol = bearer((await new ApiKeysRepository(stack.db.pool).create({ owner: 'carol' })).token);
    const first = await post(stack, '/api/uploads/direct', { filename: 'a.mp4', size: 1000, transcode: true }, carol);
    expect(first.status).toBe(201);
    const { fileId } = DirectUploadCreatedSchema.parse(await first.json());
    const filesBefore = await stack.db.pool.query('SELECT id FROM files');
    const uploadsBefore = await openUploads(stack, '');

    const refused = await post(stack, '/api/uploads/direct', { filename: 'b.mp4', size: 1000, transcode: true }, carol);
    expect(refused.status).toBe(429);
    expect(ProblemSchema.parse(await refused.json()).code).toBe('owner_quota_exceeded');
    expect((await stack.db.pool.query('SELECT id FROM files')).rowCount).toBe(filesBefore.rowCount);
    expect(await openUploads(stack, '')).toEqual(uploadsBefore);
    expect((await fetch(`${stack.baseUrl}/api/uploads/direct/${fileId}`, { method: 'DELETE', headers: carol })).status).toBe(204);
  });

  it("when another owner's key completes or aborts an upload, then it is a 404 and the upload stays open", async () => {
    const keys = new ApiKeysRepository(stack.db.pool);
    const bob = bearer((await keys.create({ owner: 'bob' })).token);
    const created = await create(stack, { size: 1000 });
    const etag = await putPart(created.parts[0]!.url, randomBytes(1000));
    expect(await problemOf(await post(stack, `/api/uploads/direct/${created.fileId}/complete`, { parts: [{ partNumber: 1, etag }] }, bob))).toEqual({
      status: 404,
      code: 'file_not_found',
    });
    expect(await problemOf(await fetch(`${stack.baseUrl}/api/uploads/direct/${created.fileId}`, { method: 'DELETE', headers: bob }))).toEqual({
      status: 404,
      code: 'file_not_found',
    });
    expect((await fileStatus(stack, created.fileId)).state).toBe('uploading');
    expect(await openUploads(stack, created.fileId)).toHaveLength(1);
  });
});

describe('direct uploads with local storage', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('when a direct upload is asked for, then 409 direct_upload_unavailable names tus instead', async () => {
    const res = await post(stack, '/api/uploads/direct', { filename: 'clip.mp4', size: 1000 });
    expect(res.status).toBe(409);
    const problem = ProblemSchema.parse(await res.json());
    expect(problem.code).toBe('direct_upload_unavailable');
    expect(problem.detail).toContain('/api/uploads');
  });
});

function bucketClient(stack: TestStack): { client: S3Client; bucket: string } {
  const storage = stack.config.storage;
  if (storage.driver !== 's3') throw new Error('an S3 stack');
  const client = new S3Client({
    region: storage.region,
    endpoint: storage.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
  });
  return { client, bucket: storage.bucket };
}

/** Completes the multipart upload in the bucket behind the API's back, as a request that died right after would have. */
async function completeInBucket(stack: TestStack, created: Created, parts: { PartNumber: number; ETag: string }[]): Promise<void> {
  const { client, bucket } = bucketClient(stack);
  try {
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: `uploads/${created.fileId}/source`, UploadId: created.uploadId, MultipartUpload: { Parts: parts } }),
    );
  } finally {
    client.destroy();
  }
}

/** The bucket's open multipart uploads for the file's original, or for every original with `''` (ListMultipartUploads). */
async function openUploads(stack: TestStack, fileId: string): Promise<string[]> {
  const { client, bucket } = bucketClient(stack);
  try {
    const answer = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: fileId === '' ? 'uploads/' : `uploads/${fileId}/` }));
    return (answer.Uploads ?? []).map((u) => u.UploadId!);
  } finally {
    client.destroy();
  }
}
