/**
 * Redis stream entry ids (`<milliseconds>-<sequence>`). BullMQ writes every queue event to one
 * stream per queue, so these ids order events the same way on every API replica.
 */
const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;

export const STREAM_START = '0-0';

export function isStreamId(value: string): boolean {
  return STREAM_ID.test(value);
}

/** Negative, zero or positive like a sort comparator; both ids must be valid stream ids. */
export function compareStreamIds(a: string, b: string): number {
  const [, aMs, aSeq] = STREAM_ID.exec(a) ?? [];
  const [, bMs, bSeq] = STREAM_ID.exec(b) ?? [];
  if (aMs === undefined || bMs === undefined) throw new RangeError(`not a stream id: ${aMs === undefined ? a : b}`);
  const byMs = BigInt(aMs) - BigInt(bMs);
  if (byMs !== 0n) return byMs < 0n ? -1 : 1;
  const bySeq = BigInt(aSeq!) - BigInt(bSeq!);
  return bySeq === 0n ? 0 : bySeq < 0n ? -1 : 1;
}
