import { isStorageLibError, StorageError, StorageNotFoundError } from './storage.errors.js';

export interface S3ErrorContext {
  /** Driver method that failed, e.g. `getStream`. */
  operation: string;
  key: string;
  /** Values that must never appear in a message (access key id, secret). */
  secrets: readonly string[];
}

const NOT_FOUND_NAMES = new Set(['NoSuchKey', 'NotFound']);

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Maps an AWS SDK (or socket) failure to this library's errors: a missing object becomes
 * `StorageNotFoundError`; everything else a `StorageError` naming the operation and key, with
 * the original as `cause` and any credential redacted from the message. A missing bucket is a
 * configuration fault, not a missing object.
 */
export function mapS3Error(err: unknown, context: S3ErrorContext): Error {
  if (isStorageLibError(err)) return err;
  const shape = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  if (shape.name !== 'NoSuchBucket' && (NOT_FOUND_NAMES.has(shape.name ?? '') || status === 404)) {
    return new StorageNotFoundError(context.key);
  }
  const message = `S3 ${context.operation} failed for key "${context.key}": ${describe(shape, err)}`;
  return new StorageError(redact(message, context.secrets), { cause: err });
}

/** Whether an SDK error reports an HTTP 416 (range start past the end of the object). */
export function isS3InvalidRange(err: unknown): boolean {
  const shape = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorShape;
  return shape.name === 'InvalidRange' || shape.$metadata?.httpStatusCode === 416;
}

function describe(shape: SdkErrorShape, err: unknown): string {
  // Socket errors such as ECONNREFUSED may carry an empty message (AggregateError); the code says it all.
  const parts = [shape.code ?? shape.name ?? 'Error', shape.message || (typeof err === 'string' ? err : '')];
  const status = shape.$metadata?.httpStatusCode;
  if (status !== undefined) parts.push(`(HTTP ${status})`);
  return parts.filter(Boolean).join(' ');
}

function redact(message: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((text, secret) => text.split(secret).join('[redacted]'), message);
}
