/** Inclusive byte range, like an HTTP `Range: bytes=start-end` header; `end` defaults to the last byte. */
export interface ByteRange {
  start: number;
  end?: number;
}

/** Rejects malformed ranges (a caller bug, hence a plain `RangeError`, not a storage error). */
export function assertValidRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new RangeError(`range.start must be a non-negative integer, got ${start}`);
  }
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new RangeError(`range.end must be an integer >= range.start (${start}), got ${end}`);
  }
}

export function toRangeHeader(range: ByteRange): string {
  return `bytes=${range.start}-${range.end ?? ''}`;
}
