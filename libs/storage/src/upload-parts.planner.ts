import { MIN_PART_SIZE_BYTES } from './storage.config.js';

/** S3's most parts in one multipart upload (AWS, Spaces and MinIO alike). */
export const MAX_PARTS = 10_000;
/** S3's largest single part. */
export const MAX_PART_SIZE_BYTES = 5 * 1024 ** 3;

export interface UploadPartsPlan {
  /** Bytes in every part but the last, which holds the rest (1 to `partSize` bytes). */
  partSize: number;
  partCount: number;
}

/**
 * How a client splits an object of `sizeBytes` for a multipart upload: parts of `preferredPartSize`
 * (at least S3's 5 MiB minimum), grown just enough to stay within 10,000 parts. An empty object has
 * no parts; an object too large for 10,000 parts of 5 GiB throws `RangeError`.
 */
export function planUploadParts(sizeBytes: number, preferredPartSize: number): UploadPartsPlan {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw new RangeError(`sizeBytes must be a non-negative integer (got ${sizeBytes})`);
  const partSize = Math.max(preferredPartSize, MIN_PART_SIZE_BYTES, Math.ceil(sizeBytes / MAX_PARTS));
  if (partSize > MAX_PART_SIZE_BYTES) throw new RangeError(`${sizeBytes} bytes do not fit in ${MAX_PARTS} parts of at most ${MAX_PART_SIZE_BYTES} bytes`);
  return { partSize, partCount: Math.ceil(sizeBytes / partSize) };
}
