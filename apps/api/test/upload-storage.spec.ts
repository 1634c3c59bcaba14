import { openAsBlob } from 'node:fs';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupFixtures, makeFixture } from '@reelforge/ffmpeg/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the shared real-stack harness lives in the root test/support
import { auth } from '../../../test/support/http.js';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the shared real-stack harness lives in the root test/support
import { startTestStack, type TestStack } from '../../../test/support/test-stack.js';

describe('where an upload is stored on S3-compatible storage', () => {
  let stack: TestStack;
  let s3: S3Client;
  let bucket: string;

  beforeAll(async () => {
    // SPACES_ACL=public-read is what makes HLS output public: the original must not follow it.
    stack = await startTestStack({ storage: 's3', worker: false, env: { SPACES_ACL: 'public-read' } });
    const storage = stack.config.storage;
    if (storage.driver !== 's3') throw new Error('expected the s3 stack');
    bucket = storage.bucket;
    s3 = new S3Client({
      region: storage.region,
      endpoint: storage.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
    });
  });
  afterAll(async () => {
    s3?.destroy();
    await stack?.stop();
    await cleanupFixtures();
  });

  it("when a client uploads a video claiming text/html, then the original is an octet-stream attachment and the claim stays in Postgres only", async () => {
    const form = new FormData();
    form.append('file', await openAsBlob(await makeFixture('tiny-240p', { durationS: 1 }), { type: 'text/html' }), 'clip.html');
    const res = await fetch(`${stack.baseUrl}/api/media/upload`, { method: 'POST', headers: auth, body: form });
    expect(res.status).toBe(201);
    const { fileId } = (await res.json()) as { fileId: string };

    const row = await stack.db.pool.query<{ storage_key: string; mime: string }>('SELECT storage_key, mime FROM files WHERE id = $1', [fileId]);
    const { storage_key: key, mime } = row.rows[0]!;
    expect(key).toBe(`uploads/${fileId}/source`);
    expect(mime).toBe('text/html');
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head).toMatchObject({ ContentType: 'application/octet-stream', ContentDisposition: 'attachment', CacheControl: 'private, no-cache' });
  });
});
