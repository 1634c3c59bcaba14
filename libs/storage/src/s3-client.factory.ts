import { createHash } from 'node:crypto';
import { type DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3StorageConfig } from './storage.config.js';

/**
 * S3 client for AWS, Spaces, MinIO and s3rver. Checksums only when an operation requires them:
 * since SDK 3.729 the default sends streamed bodies aws-chunked with a CRC32 trailer, which
 * S3-compatible services do not all understand (s3rver stores the chunk framing as the object's
 * content). The connect timeout keeps `/readyz` and retries from hanging on a black-holed
 * endpoint; socket idle time is unlimited because a paused reader may stall a body.
 */
export function createS3Client(options: Omit<S3StorageConfig, 'driver'>): S3Client {
  return new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle ?? false,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 5_000 },
  });
}

/**
 * DeleteObjects must carry a checksum; the SDK now sends CRC32, but Spaces, older MinIO and
 * others still demand `Content-MD5` (aws-sdk-js-v3 supplemental-docs/MD5_FALLBACK.md).
 * Swaps the CRC32 headers for Content-MD5 on this one command, before signing.
 */
export function withContentMd5(command: DeleteObjectsCommand): DeleteObjectsCommand {
  command.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      if (request.headers && (typeof request.body === 'string' || request.body instanceof Uint8Array)) {
        for (const name of Object.keys(request.headers)) {
          const lower = name.toLowerCase();
          if (lower.startsWith('x-amz-checksum-') || lower.startsWith('x-amz-sdk-checksum-')) {
            delete request.headers[name];
          }
        }
        request.headers['content-md5'] = createHash('md5').update(request.body).digest('base64');
      }
      return next(args);
    },
    { step: 'build', priority: 'low', name: 'reelforgeContentMd5' },
  );
  return command;
}
