import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { objectHeadersFor } from './content-type.policy.js';
import { createS3Client } from './s3-client.factory.js';
import { mapS3Error } from './s3-error.mapper.js';
import type { S3StorageConfig } from './storage.config.js';
import { DirectUploadRejectedError } from './storage.errors.js';
import { assertSafeKey } from './storage-key.guard.js';

export interface PresignedPart {
  partNumber: number;
  /** A PUT of the part's bytes to this URL stores it; the answer's `ETag` header names it for `complete`. */
  url: string;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
}

/** S3 answers that mean the client's part list is wrong, not that the backend failed. */
const INVALID_PARTS = new Set(['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall', 'MalformedXML']);

/**
 * Multipart uploads that a client sends straight to the bucket: the server starts one, hands out a
 * presigned URL per part, and completes or aborts it; the bytes never pass through the server.
 *
 * URLs are signed for `publicEndpoint` when set (what a browser reaches, e.g. `http://localhost:9000` while the
 * services talk to `http://s3:9000` inside Compose); every other call goes to the configured endpoint.
 * Signing is local (no request), so the two endpoints must be the same bucket behind different names.
 */
export class S3DirectUploads {
  private readonly client: S3Client;
  private readonly signer: S3Client;
  private readonly secrets: readonly string[];

  constructor(private readonly options: Omit<S3StorageConfig, 'driver'>) {
    this.client = createS3Client(options);
    this.signer = createS3Client({ ...options, endpoint: options.publicEndpoint ?? options.endpoint });
    this.secrets = [options.accessKeyId, options.secretAccessKey];
  }

  /** Starts a multipart upload to `key`, stored like every object under that key (originals: private, opaque). */
  async start(key: string): Promise<string> {
    assertSafeKey(key);
    const headers = objectHeadersFor(key);
    const answer = await this.send('start', key, () =>
      this.client.send(
        new CreateMultipartUploadCommand({
          Bucket: this.options.bucket,
          Key: key,
          ContentType: headers.contentType,
          CacheControl: headers.cacheControl,
          ContentDisposition: headers.contentDisposition,
          ...(headers.aclApplies && this.options.acl ? { ACL: this.options.acl } : {}),
        }),
      ),
    );
    if (!answer.UploadId) throw mapS3Error(new Error('CreateMultipartUpload answered without an UploadId'), this.context('start', key));
    return answer.UploadId;
  }

  /** One presigned PUT URL for each of parts 1..`partCount`, valid for `expiresInS` seconds (S3 allows up to 7 days). */
  async presignParts(key: string, uploadId: string, partCount: number, expiresInS: number): Promise<PresignedPart[]> {
    assertSafeKey(key);
    const numbers = Array.from({ length: partCount }, (_, i) => i + 1);
    return Promise.all(
      numbers.map(async (partNumber) => ({
        partNumber,
        url: await getSignedUrl(this.signer, new UploadPartCommand({ Bucket: this.options.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber }), {
          expiresIn: expiresInS,
        }),
      })),
    );
  }

  /**
   * Joins the parts into the object. A part list S3 refuses (a part never uploaded, an ETag that does
   * not match, numbers out of order, a part under 5 MiB but the last) rejects with
   * `DirectUploadRejectedError('invalid_parts')`, and the upload stays open for a corrected list; an
   * upload S3 no longer knows (completed, aborted, expired) with `DirectUploadRejectedError('no_such_upload')`.
   */
  async complete(key: string, uploadId: string, parts: readonly UploadedPart[]): Promise<void> {
    assertSafeKey(key);
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.options.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
        }),
      );
    } catch (err) {
      const name = (err as { name?: string } | null)?.name ?? '';
      if (INVALID_PARTS.has(name)) throw new DirectUploadRejectedError('invalid_parts', `The bucket refused the part list: ${name}.`);
      if (name === 'NoSuchUpload') throw new DirectUploadRejectedError('no_such_upload', 'The bucket has no such multipart upload (completed, aborted or expired).');
      throw mapS3Error(err, this.context('complete', key));
    }
  }

  /** Discards the upload and every part stored for it; an upload the bucket no longer knows counts as aborted. */
  async abort(key: string, uploadId: string): Promise<void> {
    assertSafeKey(key);
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.options.bucket, Key: key, UploadId: uploadId }));
    } catch (err) {
      if ((err as { name?: string } | null)?.name === 'NoSuchUpload') return;
      throw mapS3Error(err, this.context('abort', key));
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.signer.destroy();
  }

  private async send<T>(operation: string, key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw mapS3Error(err, this.context(operation, key));
    }
  }

  private context(operation: string, key: string) {
    return { operation, key, secrets: this.secrets };
  }
}
