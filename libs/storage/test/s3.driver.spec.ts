import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createStorageDriver, S3Driver, StorageError, type S3DriverOptions } from '../src/index.js';
import { createS3Client } from '../src/s3-client.factory.js';
import { type S3rverHandle, startS3rver } from '../src/testing/index.js';
import { describeStorageDriverContract } from './storage-driver.contract.js';

const MiB = 1024 * 1024;

function optionsFor(s3: S3rverHandle, extra: Partial<S3DriverOptions> = {}): S3DriverOptions {
  const { driver: _driver, ...options } = s3.storageConfig;
  return { ...options, ...extra };
}

describeStorageDriverContract('S3Driver on s3rver', async () => {
  const s3 = await startS3rver();
  const driver = createStorageDriver(s3.storageConfig);
  return {
    driver,
    dispose: async () => {
      await driver.close();
      await s3.stop();
    },
  };
});

describe('S3Driver', () => {
  let s3: S3rverHandle;
  let driver: S3Driver;
  let raw: S3Client;
  let scratch: string;
  /** Names of the SDK commands the driver sent, in order. */
  const sent: string[] = [];
  /** Every HTTP request the driver sent: the command and its headers as signed. */
  const requests: { command: string; headers: Record<string, string> }[] = [];
  const headersOf = (command: string) => requests.filter((r) => r.command === command).map((r) => r.headers);

  beforeAll(async () => {
    s3 = await startS3rver();
    const options = optionsFor(s3, { partSizeBytes: 5 * MiB, listPageSize: 2, acl: 'public-read' });
    const client = createS3Client(options);
    client.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(context.commandName ?? '');
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    client.middlewareStack.add(
      (next, context) => (args) => {
        const headers = (args.request as { headers: Record<string, string> }).headers;
        requests.push({ command: context.commandName ?? '', headers: { ...headers } });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordRequestHeaders' },
    );
    driver = new S3Driver(options, client);
    raw = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    scratch = await mkdtemp(join(tmpdir(), 'reelforge-s3-'));
  });

  afterAll(async () => {
    raw?.destroy();
    await driver?.close();
    await s3?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('when a stream exceeds one part, then a multipart upload stores it byte for byte', async () => {
    const written = createHash('sha256');
    const chunks = function* () {
      for (let i = 0; i < 12 * 16; i += 1) {
        const chunk = randomBytes(64 * 1024);
        written.update(chunk);
        yield chunk;
      }
    };
    sent.length = 0;
    requests.length = 0;

    const result = await driver.putStream('uploads/m1/big.mov', Readable.from(chunks()), { contentType: 'video/quicktime' });

    expect(result.bytes).toBe(12 * MiB);
    expect(sent.filter((name) => name === 'UploadPartCommand')).toHaveLength(3);
    expect(sent).toContain('CompleteMultipartUploadCommand');
    const received = createHash('sha256');
    for await (const chunk of await driver.getStream('uploads/m1/big.mov')) received.update(chunk as Buffer);
    expect(received.digest('hex')).toBe(written.digest('hex'));
    // An original stays a private, opaque download even though this driver makes HLS output public-read.
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'uploads/m1/big.mov' }));
    expect(head).toMatchObject({ ContentType: 'application/octet-stream', ContentDisposition: 'attachment', CacheControl: 'private, no-cache' });
    const [create] = headersOf('CreateMultipartUploadCommand');
    expect(create).toMatchObject({ 'content-type': 'application/octet-stream', 'content-disposition': 'attachment' });
    expect(create).not.toHaveProperty('x-amz-acl');
  });

  it('when listing with a small page size, then every page is followed exactly once', async () => {
    const keys = Array.from({ length: 5 }, (_, i) => `hls/pg/360p/seg_0000${i}.ts`);
    for (const key of keys) await driver.putStream(key, Readable.from(['s']));

    sent.length = 0;

    const listed: string[] = [];
    for await (const { key } of driver.list('hls/pg')) listed.push(key);

    expect(listed).toEqual(keys);
    expect(sent.filter((name) => name === 'ListObjectsV2Command')).toHaveLength(3);
    expect(await driver.deletePrefix('hls/pg')).toBe(5);
    expect(await driver.stat(keys[4] ?? '')).toBeNull();
  });

  it('when deleting a prefix, then DeleteObjects carries Content-MD5 (Spaces and MinIO need it), not CRC32', async () => {
    await driver.putStream('hls/md5/master.m3u8', Readable.from(['x']));
    requests.length = 0;

    await driver.deletePrefix('hls/md5');

    const deleteHeaders = headersOf('DeleteObjectsCommand').map((headers) => Object.keys(headers));
    expect(deleteHeaders).toHaveLength(1);
    expect(deleteHeaders[0]).toContain('content-md5');
    expect(deleteHeaders[0]?.filter((h) => h.startsWith('x-amz-checksum-'))).toEqual([]);
  });

  it('when putting HLS output, then content type, cache control, the explicit type and the public ACL are stored', async () => {
    const local = join(scratch, 'seg.ts');
    await writeFile(local, Buffer.alloc(188, 0x47));
    requests.length = 0;

    await driver.putFile('hls/c1/720p/seg_00001.ts', local);
    await driver.putFile('hls/c1/custom.bin', local, { contentType: 'video/mp2t', cacheControl: 'no-store' });

    const segment = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'hls/c1/720p/seg_00001.ts' }));
    expect(segment).toMatchObject({ ContentType: 'video/mp2t', CacheControl: 'public, max-age=31536000, immutable' });
    expect(segment.ContentDisposition).toBeUndefined();
    const custom = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'hls/c1/custom.bin' }));
    expect(custom).toMatchObject({ ContentType: 'video/mp2t', CacheControl: 'no-store' });
    // s3rver answers GetObjectAcl with a fixed stub, so the ACL is read off the requests themselves.
    expect(headersOf('PutObjectCommand').map((headers) => headers['x-amz-acl'])).toEqual(['public-read', 'public-read']);
  });

  it('when an original is put with the client\'s content type, then it is stored private as an octet-stream attachment', async () => {
    const local = join(scratch, 'page.html');
    await writeFile(local, '<script>alert(1)</script>');
    requests.length = 0;

    await driver.putFile('uploads/c2/page.html', local, { contentType: 'text/html', cacheControl: 'public, max-age=60' });
    await driver.putStream('uploads/c3/raw', Readable.from(['x']), { contentType: 'video/webm' });

    for (const key of ['uploads/c2/page.html', 'uploads/c3/raw']) {
      const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
      expect({ key, ...head }).toMatchObject({ key, ContentType: 'application/octet-stream', ContentDisposition: 'attachment', CacheControl: 'private, no-cache' });
      expect((await driver.stat(key))?.contentType).toBe('application/octet-stream');
    }
    const puts = headersOf('PutObjectCommand');
    expect(puts).toHaveLength(2);
    for (const headers of puts) expect(headers).not.toHaveProperty('x-amz-acl');
  });

  it('when putting a stream of HLS output with an explicit content type, then stat reports it', async () => {
    await driver.putStream('hls/c4/raw', Readable.from(['x']), { contentType: 'video/webm' });

    expect((await driver.stat('hls/c4/raw'))?.contentType).toBe('video/webm');
  });

  it('builds path-style public URLs for a plain endpoint, and has no local paths', () => {
    expect(driver.publicUrl('hls/u1/master.m3u8')).toBe(`${s3.endpoint}/${s3.bucket}/hls/u1/master.m3u8`);
    expect(driver.localPath('hls/u1/master.m3u8')).toBeNull();
    expect(driver.kind).toBe('s3');
  });

  it('when the bucket does not exist, then checkHealth rejects with StorageError', async () => {
    const wrongBucket = new S3Driver(optionsFor(s3, { bucket: 'no-such-bucket-here' }));
    try {
      await expect(wrongBucket.checkHealth()).rejects.toBeInstanceOf(StorageError);
      await expect(wrongBucket.getStream('a/b')).rejects.toMatchObject({ code: 'storage_unavailable' });
    } finally {
      await wrongBucket.close();
    }
  });

  describe('when the endpoint is down', () => {
    let down: S3rverHandle;
    let orphan: S3Driver;

    beforeAll(async () => {
      down = await startS3rver();
      orphan = new S3Driver(optionsFor(down, { secretAccessKey: 'do-not-leak-this-secret', partSizeBytes: 5 * MiB }));
      await down.stop();
    });

    afterAll(async () => {
      await orphan?.close();
    });

    it('then reads fail with a StorageError naming the operation and key, without credentials', async () => {
      const failure = await orphan.getStream('hls/x1/master.m3u8').then(
        () => undefined,
        (err: unknown) => err,
      );

      expect(failure).toBeInstanceOf(StorageError);
      const error = failure as StorageError;
      expect(error.code).toBe('storage_unavailable');
      expect(error.message).toContain('getStream');
      expect(error.message).toContain('hls/x1/master.m3u8');
      expect(error.message).toMatch(/ECONNREFUSED/);
      expect(error.message).not.toContain('do-not-leak-this-secret');
      expect(error.cause).toBeDefined();
    });

    it('then writes and health checks fail the same way', async () => {
      await expect(orphan.putStream('uploads/x2/a.mp4', Readable.from(['x']))).rejects.toThrow(/S3 putStream failed/);
      await expect(orphan.checkHealth()).rejects.toBeInstanceOf(StorageError);
    });

    it('then a multipart upload failing while the body still flows is a StorageError', async () => {
      const body = Readable.from(
        (function* () {
          for (let i = 0; i < 12; i += 1) yield Buffer.alloc(MiB, i);
        })(),
      );

      await expect(orphan.putStream('uploads/x3/big.mp4', body)).rejects.toThrow(/S3 putStream failed .*ECONNREFUSED/);
      expect(body.destroyed).toBe(true);
    });
  });
});
