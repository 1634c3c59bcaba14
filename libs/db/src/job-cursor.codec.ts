import { z } from 'zod';
import { InvalidCursorError } from './db.errors.js';

/**
 * Position after the last row of a page. `createdAtMicros` keeps the full timestamptz precision
 * (a JS Date would round to milliseconds and skip or repeat rows created within one millisecond).
 */
export interface JobCursor {
  createdAtMicros: string;
  id: string;
}

const CursorPayloadSchema = z.strictObject({
  t: z.string().regex(/^\d{1,20}$/),
  i: z.string().min(1).max(256),
});

export function encodeJobCursor(cursor: JobCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.createdAtMicros, i: cursor.id })).toString('base64url');
}

export function decodeJobCursor(cursor: string): JobCursor {
  // Node's base64url decoder skips characters it does not know, so check the alphabet first.
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw new InvalidCursorError('not base64url');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a cursor produced by this API');
  }
  const parsed = CursorPayloadSchema.safeParse(payload);
  if (!parsed.success) throw new InvalidCursorError('not a cursor produced by this API');
  const decoded = { createdAtMicros: parsed.data.t, id: parsed.data.i };
  if (encodeJobCursor(decoded) !== cursor) throw new InvalidCursorError('not a cursor produced by this API');
  return decoded;
}
