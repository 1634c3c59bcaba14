import { createReadStream } from 'node:fs';
import { stat as statFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { asError, writeFileAtomically } from './atomic-file.writer.js';
import { ByteCounter } from './byte-counter.transform.js';
import { assertValidRange, type ByteRange, toRangeHeader } from './byte-range.guard.js';
import { objectHeadersFor } from './content-type.policy.js';
import { s3PublicUrl } from './public-url.builder.js';
import { PipeFailureTracker } from './pipe-failure.tracker.js';
import { createS3Client, withContentMd5 } from './s3-client.factory.js';
import { isS3InvalidRange, mapS3Error } from './s3-error.mapper.js';
import {
  DEFAULT_LIST_PAGE_SIZE,
  DEFAULT_PART_SIZE_BYTES,
  DEFAULT_QUEUE_SIZE,
  type S3StorageConfig,
} from './storage.config.js';
import type {
  ListedObject,
  PutFileOptions,
  PutResult,
  PutStreamOptions,
  StorageDriver,
  StoredObjectStat,
} from './storage.driver.js';
import { StorageError, StorageNotFoundError, StorageRangeNotSatisfiableError } from './storage.errors.js';
import { assertSafeKey, toFolderPrefix } from './storage-key.guard.js';

export type S3DriverOptions = Omit<S3StorageConfig, 'driver'>;

/** DeleteObjects accepts at most 1000 keys per request. */
const DELETE_BATCH_SIZE = 1000;
const HEALTH_TIMEOUT_MS = 5_000;

/** Objects in an S3-compatible bucket (DigitalOcean Spaces, AWS S3, MinIO, s3rver). */
export class S3Driver implements StorageDriver {
  readonly kind = 's3';
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly secrets: readonly string[];

  /** `client` defaults to one built from `options`; the driver owns it and destroys it on `close()`. */
  constructor(
    private readonly options: S3DriverOptions,
    client: S3Client = createS3Client(options),
  ) {
    this.client = client;
    this.bucket = options.bucket;
    this.secrets = [options.secretAccessKey, options.accessKeyId];
  }

  async putStream(key: string, body: Readable, options: PutStreamOptions = {}): Promise<PutResult> {
    assertSafeKey(key);
    return this.upload('putStream', key, body, this.writeParams(key, options), options.contentLength, options.signal);
  }

  async putFile(key: string, localPath: string, options: PutFileOptions = {}): Promise<PutResult> {
    assertSafeKey(key);
    // Stat first so a missing source rejects with the fs error itself, and a file that changes
    // size while uploading fails instead of storing a torn copy.
    const { size } = await statFile(localPath);
    return this.upload('putFile', key, createReadStream(localPath), this.writeParams(key, options), size);
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    assertSafeKey(key);
    if (range) assertValidRange(range);
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? toRangeHeader(range) : undefined }),
      );
      if (!(response.Body instanceof Readable)) {
        throw new StorageError(`S3 getStream returned no body for key "${key}"`);
      }
      return response.Body;
    } catch (err) {
      if (range && isS3InvalidRange(err)) throw new StorageRangeNotSatisfiableError(key, range.start);
      throw this.mapError(err, 'getStream', key);
    }
  }

  async downloadToFile(key: string, localPath: string): Promise<{ bytes: number }> {
    const source = await this.getStream(key);
    const bytes = await writeFileAtomically(localPath, source, {
      label: `S3 downloadToFile "${key}"`,
      mapSourceError: (err) => this.mapError(err, 'downloadToFile', key),
    });
    return { bytes };
  }

  async stat(key: string): Promise<StoredObjectStat | null> {
    assertSafeKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        bytes: head.ContentLength ?? 0,
        contentType: head.ContentType,
        modifiedAt: head.LastModified ?? new Date(0),
      };
    } catch (err) {
      const mapped = this.mapError(err, 'stat', key);
      if (mapped instanceof StorageNotFoundError) return null;
      throw mapped;
    }
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    const folder = toFolderPrefix(prefix, { allowRoot: true });
    let continuationToken: string | undefined;
    do {
      const page = await this.send('list', folder, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: folder || undefined,
            MaxKeys: this.options.listPageSize ?? DEFAULT_LIST_PAGE_SIZE,
            ContinuationToken: continuationToken,
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) yield { key: object.Key, bytes: object.Size ?? 0 };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    await this.send('delete', key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  async deletePrefix(prefix: string): Promise<number> {
    const folder = toFolderPrefix(prefix, { allowRoot: false });
    let deleted = 0;
    let batch: string[] = [];
    for await (const { key } of this.list(folder)) {
      batch.push(key);
      if (batch.length === DELETE_BATCH_SIZE) {
        deleted += await this.deleteBatch(folder, batch);
        batch = [];
      }
    }
    if (batch.length > 0) deleted += await this.deleteBatch(folder, batch);
    return deleted;
  }

  publicUrl(key: string): string {
    assertSafeKey(key);
    return s3PublicUrl(this.options, key);
  }

  localPath(key: string): null {
    assertSafeKey(key);
    return null;
  }

  async checkHealth(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), {
        abortSignal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
      });
    } catch (err) {
      const mapped = this.mapError(err, 'checkHealth', '');
      // HeadBucket answers a missing bucket with a bare 404: a configuration fault, not a missing object.
      throw mapped instanceof StorageNotFoundError
        ? new StorageError(`S3 checkHealth failed: bucket "${this.bucket}" does not exist`, { cause: err })
        : mapped;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /**
   * Headers from `objectHeadersFor`. Originals get no ACL at all rather than `private`: an object
   * without one is private on S3, Spaces and MinIO, and AWS buckets with ACLs disabled (the default
   * since 2023) refuse any ACL other than bucket-owner-full-control.
   */
  private writeParams(key: string, options: PutFileOptions): Omit<PutObjectCommandInput, 'Bucket' | 'Key' | 'Body'> {
    const headers = objectHeadersFor(key, options);
    return {
      ContentType: headers.contentType,
      CacheControl: headers.cacheControl,
      ...(headers.contentDisposition ? { ContentDisposition: headers.contentDisposition } : {}),
      ...(headers.aclApplies && this.options.acl ? { ACL: this.options.acl } : {}),
    };
  }

  private async deleteBatch(folder: string, keys: readonly string[]): Promise<number> {
    const result = await this.send('deletePrefix', folder, () =>
      this.client.send(
        withContentMd5(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      ),
    );
    const [first, ...rest] = result.Errors ?? [];
    if (first) {
      throw new StorageError(
        `S3 deletePrefix failed for key "${first.Key}": ${first.Code} ${first.Message ?? ''}` +
          (rest.length ? ` (and ${rest.length} more)` : ''),
      );
    }
    return keys.length;
  }

  /**
   * Streams `body` through lib-storage's `Upload`: one PutObject for bodies up to one part,
   * otherwise a multipart upload holding at most `queueSize` parts in memory. Errors raised by
   * `body` are rethrown as they are; a failed or aborted upload leaves no object.
   */
  private async upload(
    operation: string,
    key: string,
    body: Readable,
    params: Omit<PutObjectCommandInput, 'Bucket' | 'Key' | 'Body'>,
    expectedBytes: number | undefined,
    signal?: AbortSignal,
  ): Promise<PutResult> {
    signal?.throwIfAborted();
    const counter = new ByteCounter(`S3 ${operation} "${key}"`, expectedBytes);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: counter, ...params },
      partSize: this.options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES,
      queueSize: this.options.queueSize ?? DEFAULT_QUEUE_SIZE,
      leavePartsOnError: false,
    });

    const failures = new PipeFailureTracker();
    const onAbort = (): void => {
      body.destroy(asError(signal?.reason));
    };
    failures.watch(body, 'source');
    failures.watch(counter, 'sink');
    signal?.addEventListener('abort', onAbort, { once: true });

    // If the upload fails, nothing drains `counter` any more: destroy it so the pipe settles.
    const piping = pipeline(body, counter).catch((err: unknown) => failures.record('sink', err));
    const uploading = upload.done().catch((err: unknown) => {
      failures.record('sink', err);
      counter.destroy();
    });
    await Promise.all([piping, uploading]);
    failures.dispose();
    signal?.removeEventListener('abort', onAbort);

    const failure = failures.first;
    if (failure === undefined) return { key, bytes: counter.bytes };
    body.destroy();
    if (signal?.aborted) throw signal.reason;
    if (failure.side === 'source') throw failure.error;
    throw this.mapError(failure.error, operation, key);
  }

  private async send<T>(operation: string, key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw this.mapError(err, operation, key);
    }
  }

  private mapError(err: unknown, operation: string, key: string): Error {
    return mapS3Error(err, { operation, key, secrets: this.secrets });
  }
}
