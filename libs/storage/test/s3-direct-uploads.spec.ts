import { randomBytes } from 'node:crypto';
import { ListMultipartUploadsCommand, ListPartsCommand, type S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createStorageDriver, DirectUploadRejectedError, S3DirectUploads, type StorageDriver, type UploadedPart } from '../src/index.js';
import { createS3Client } from '../src/s3-client.factory.js';
import { type S3rverHandle, startS3rver } from '../src/testing/index.js';

const MiB = 1024 * 1024;

/** What a browser does with a presigned URL: a plain PUT of the bytes, reading the ETag it answers. */
async function putPart(url: string, body: Buffer): Promise<string> {
  const answer = await fetch(url, { method: 'PUT', body });
  expect(answer.status).toBe(200);
  const etag = answer.headers.get('etag');
  expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
  return etag!;
}

describe('S3DirectUploads on s3rver (with the multipart calls test support adds)', () => {
  let s3: S3rverHandle;
  let uploads: S3DirectUploads;
  let storage: StorageDriver;
  let raw: S3Client;

  beforeAll(async () => {
    s3 = await startS3rver();
    const { driver: _driver, ...options } = s3.storageConfig;
    // Signed for another name of the same server, as Compose does (the app reaches `s3`, a browser `localhost`).
    uploads = new S3DirectUploads({ ...options, publicEndpoint: s3.endpoint.replace('127.0.0.1', 'localhost') });
    storage = createStorageDriver(s3.storageConfig);
    raw = createS3Client(options);
  }, 45_000);

  afterAll(async () => {
    raw?.destroy();
    await uploads?.close();
    await storage?.close();
    await s3?.stop();
  });

  const newKey = () => `uploads/${randomBytes(8).toString('hex')}/source`;

  it('when parts are PUT to their presigned URLs and the upload is completed, then the object holds them in order', async () => {
    const key = newKey();
    const uploadId = await uploads.start(key);
    const urls = await uploads.presignParts(key, uploadId, 2, 600);
    expect(urls.map((p) => p.partNumber)).toEqual([1, 2]);
    expect(new URL(urls[0]!.url).host).toBe(new URL(s3.endpoint.replace('127.0.0.1', 'localhost')).host);
    expect(new URL(urls[0]!.url).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const first = randomBytes(5 * MiB);
    const second = randomBytes(123_457);
    const parts: UploadedPart[] = [
      { partNumber: 1, etag: await putPart(urls[0]!.url, first) },
      { partNumber: 2, etag: await putPart(urls[1]!.url, second) },
    ];

    const listed = await raw.send(new ListPartsCommand({ Bucket: s3.bucket, Key: key, UploadId: uploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size])).toEqual([
      [1, parts[0]!.etag, first.length],
      [2, parts[1]!.etag, second.length],
    ]);
    const open = await raw.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: key }));
    expect(open.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([[key, uploadId]]);

    await uploads.complete(key, uploadId, parts);

    const chunks: Buffer[] = [];
    for await (const chunk of await storage.getStream(key)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(Buffer.concat([first, second]))).toBe(true);
    expect(await storage.stat(key)).toMatchObject({ bytes: first.length + second.length, contentType: 'application/octet-stream' });
    const after = await raw.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: key }));
    expect(after.Uploads ?? []).toEqual([]);

    // Completing again: the bucket no longer knows the upload.
    await expect(uploads.complete(key, uploadId, parts)).rejects.toMatchObject({ reason: 'no_such_upload', code: 'upload_not_open' });
  });

  it('when the part list names a wrong ETag, a missing part or is out of order, then it is refused and the upload stays open', async () => {
    const key = newKey();
    const uploadId = await uploads.start(key);
    const [url1, url2] = await uploads.presignParts(key, uploadId, 2, 600);
    const etag1 = await putPart(url1!.url, randomBytes(5 * MiB));
    const etag2 = await putPart(url2!.url, randomBytes(10));

    for (const parts of [
      [{ partNumber: 1, etag: `"${'0'.repeat(32)}"` }, { partNumber: 2, etag: etag2 }],
      [{ partNumber: 1, etag: etag1 }, { partNumber: 3, etag: etag2 }],
      [{ partNumber: 2, etag: etag2 }, { partNumber: 1, etag: etag1 }],
    ]) {
      const refused = uploads.complete(key, uploadId, parts);
      await expect(refused).rejects.toBeInstanceOf(DirectUploadRejectedError);
      await expect(refused).rejects.toMatchObject({ reason: 'invalid_parts', code: 'invalid_upload_parts' });
    }
    expect(await storage.stat(key)).toBeNull();

    await uploads.complete(key, uploadId, [{ partNumber: 1, etag: etag1 }, { partNumber: 2, etag: etag2 }]);
    expect(await storage.stat(key)).toMatchObject({ bytes: 5 * MiB + 10 });
  });

  it('when a part but the last is under 5 MiB, then the part list is refused as S3 does', async () => {
    const key = newKey();
    const uploadId = await uploads.start(key);
    const [url1, url2] = await uploads.presignParts(key, uploadId, 2, 600);
    const parts = [
      { partNumber: 1, etag: await putPart(url1!.url, randomBytes(10)) },
      { partNumber: 2, etag: await putPart(url2!.url, randomBytes(10)) },
    ];
    await expect(uploads.complete(key, uploadId, parts)).rejects.toMatchObject({ reason: 'invalid_parts' });
    await uploads.abort(key, uploadId);
  });

  it('when an upload is aborted, then its parts are gone, completing it is refused, and aborting again succeeds', async () => {
    const key = newKey();
    const uploadId = await uploads.start(key);
    const [url] = await uploads.presignParts(key, uploadId, 1, 600);
    const etag = await putPart(url!.url, randomBytes(1000));

    await uploads.abort(key, uploadId);

    await expect(raw.send(new ListPartsCommand({ Bucket: s3.bucket, Key: key, UploadId: uploadId }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
    await expect(uploads.complete(key, uploadId, [{ partNumber: 1, etag }])).rejects.toMatchObject({ reason: 'no_such_upload' });
    await expect(uploads.abort(key, uploadId)).resolves.toBeUndefined();
    expect(await storage.stat(key)).toBeNull();
  });

  describe('presigned URLs (the test server checks their signature and expiry as S3 does)', () => {
    it('when a URL is used on another host name than it was signed for, then the bucket refuses it: why SPACES_PUBLIC_ENDPOINT exists', async () => {
      const key = newKey();
      const uploadId = await uploads.start(key);
      const [part] = await uploads.presignParts(key, uploadId, 1, 600);
      const signedFor = new URL(part!.url);
      expect(signedFor.hostname).toBe('localhost');
      const elsewhere = new URL(part!.url);
      elsewhere.hostname = '127.0.0.1';
      const refused = await fetch(elsewhere, { method: 'PUT', body: 'x' });
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('SignatureDoesNotMatch');
      expect((await fetch(signedFor, { method: 'PUT', body: 'x' })).status).toBe(200);
      await uploads.abort(key, uploadId);
    });

    it('when a URL is changed (another part number), then the bucket refuses it', async () => {
      const key = newKey();
      const uploadId = await uploads.start(key);
      const [part] = await uploads.presignParts(key, uploadId, 1, 600);
      const url = new URL(part!.url);
      url.searchParams.set('partNumber', '2');
      expect((await fetch(url, { method: 'PUT', body: 'x' })).status).toBe(403);
      await uploads.abort(key, uploadId);
    });

    it('when a URL has expired, then the bucket refuses it', async () => {
      const key = newKey();
      const uploadId = await uploads.start(key);
      // Signed two hours ago for one hour: the same signer, with the clock it read moved back.
      const url = await getSignedUrl(raw, new UploadPartCommand({ Bucket: s3.bucket, Key: key, UploadId: uploadId, PartNumber: 1 }), {
        expiresIn: 3600,
        signingDate: new Date(Date.now() - 2 * 3600_000),
      });
      const refused = await fetch(url, { method: 'PUT', body: 'x' });
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('Request has expired');
      await uploads.abort(key, uploadId);
    });
  });
});
