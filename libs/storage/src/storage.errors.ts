/**
 * Storage failures a caller can act on, each with a stable `code`. The HTTP layer maps codes to
 * statuses; the worker treats `storage_unavailable` as transient (retry) and the rest as final.
 */
export type StorageErrorCode =
  | 'storage_unavailable'
  | 'storage_not_found'
  | 'invalid_storage_key'
  | 'storage_range_not_satisfiable';

/** The backend failed (network, SDK, disk, permissions, truncated write); usually worth a retry. */
export class StorageError extends Error {
  readonly code = 'storage_unavailable';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
  }
}

export class StorageNotFoundError extends Error {
  readonly code = 'storage_not_found';

  constructor(readonly key: string) {
    super(`Storage object not found: "${key}"`);
    this.name = 'StorageNotFoundError';
  }
}

export class InvalidStorageKeyError extends Error {
  readonly code = 'invalid_storage_key';

  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    // The key may be hostile (huge, control characters): show a bounded, escaped excerpt.
    super(`Invalid storage key ${JSON.stringify(key.slice(0, 120))}: ${reason}`);
    this.name = 'InvalidStorageKeyError';
  }
}

/** The requested byte range starts at or beyond the end of the object. */
export class StorageRangeNotSatisfiableError extends Error {
  readonly code = 'storage_range_not_satisfiable';

  constructor(
    readonly key: string,
    readonly start: number,
  ) {
    super(`Range starting at byte ${start} is not satisfiable for "${key}"`);
    this.name = 'StorageRangeNotSatisfiableError';
  }
}

/** True for errors this library raised itself, which adapters pass through unchanged. */
export function isStorageLibError(
  err: unknown,
): err is StorageError | StorageNotFoundError | InvalidStorageKeyError | StorageRangeNotSatisfiableError {
  return (
    err instanceof StorageError ||
    err instanceof StorageNotFoundError ||
    err instanceof InvalidStorageKeyError ||
    err instanceof StorageRangeNotSatisfiableError
  );
}
