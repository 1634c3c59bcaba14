import { AppError } from '@reelforge/errors';

// Storage failures a caller can act on, each with a stable `code`. The HTTP layer maps codes to
// statuses; the worker treats `storage_unavailable` as transient (retry) and the rest as final.

/** The backend failed (network, SDK, disk, permissions, truncated write); usually worth a retry. */
export class StorageError extends AppError<'storage_unavailable'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('storage_unavailable', message, options);
  }
}

export class StorageNotFoundError extends AppError<'storage_not_found'> {
  constructor(readonly key: string) {
    super('storage_not_found', `Storage object not found: "${key}"`);
  }
}

export class InvalidStorageKeyError extends AppError<'invalid_storage_key'> {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    // The key may be hostile (huge, control characters): show a bounded, escaped excerpt.
    super('invalid_storage_key', `Invalid storage key ${JSON.stringify(key.slice(0, 120))}: ${reason}`);
  }
}

/** The requested byte range starts at or beyond the end of the object. */
export class StorageRangeNotSatisfiableError extends AppError<'storage_range_not_satisfiable'> {
  constructor(
    readonly key: string,
    readonly start: number,
  ) {
    super('storage_range_not_satisfiable', `Range starting at byte ${start} is not satisfiable for "${key}"`);
  }
}

/**
 * The bucket refused to complete a direct upload: `invalid_parts` (the client's part list names a part
 * never uploaded, a wrong ETag, or is out of order) or `no_such_upload` (completed, aborted or expired).
 */
export class DirectUploadRejectedError extends AppError<'invalid_upload_parts' | 'upload_not_open'> {
  constructor(
    readonly reason: 'invalid_parts' | 'no_such_upload',
    message: string,
  ) {
    super(reason === 'invalid_parts' ? 'invalid_upload_parts' : 'upload_not_open', message);
  }
}

/** True for errors this library raised itself, which adapters pass through unchanged. */
export function isStorageLibError(
  err: unknown,
): err is StorageError | StorageNotFoundError | InvalidStorageKeyError | StorageRangeNotSatisfiableError | DirectUploadRejectedError {
  return (
    err instanceof StorageError ||
    err instanceof DirectUploadRejectedError ||
    err instanceof StorageNotFoundError ||
    err instanceof InvalidStorageKeyError ||
    err instanceof StorageRangeNotSatisfiableError
  );
}
