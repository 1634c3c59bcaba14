import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `Reelforge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, with one `v1=` per
 * signing secret in use (two while a rotated secret overlaps its successor, as Stripe does).
 */
export const SIGNATURE_HEADER = 'Reelforge-Signature';
/** Receivers should refuse signatures older (or newer) than this; it bounds replays of a captured request. */
export const DEFAULT_SIGNATURE_TOLERANCE_S = 300;

function hmacHex(secret: string, timestampS: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestampS}.${rawBody}`, 'utf8').digest('hex');
}

/**
 * The signature header value for one delivery attempt: one `v1=` per secret, in the order given
 * (newest first). The timestamp is part of the signed text, so a receiver that checks its age rejects
 * replays; each attempt is signed afresh.
 */
export function signWebhook(secrets: string | readonly string[], rawBody: string, timestampS: number): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  if (list.length === 0) throw new RangeError('signWebhook needs at least one secret');
  return [`t=${timestampS}`, ...list.map((secret) => `v1=${hmacHex(secret, timestampS, rawBody)}`)].join(',');
}

export interface VerifyWebhookInput {
  secret: string;
  /** The request body exactly as received (before any JSON parsing). */
  rawBody: string;
  /** The Reelforge-Signature header. */
  header: string | undefined;
  toleranceS?: number;
  nowS?: number;
}

/** Checks a signature the way the README tells receivers to: any `v1` may match; constant-time on each digest. */
export function verifyWebhookSignature({ secret, rawBody, header, toleranceS = DEFAULT_SIGNATURE_TOLERANCE_S, nowS }: VerifyWebhookInput): boolean {
  if (!header) return false;
  const fields = header.split(',').map((part) => {
    const at = part.indexOf('=');
    return { key: part.slice(0, at).trim(), value: part.slice(at + 1).trim() };
  });
  const timestamp = Number(fields.find((f) => f.key === 't')?.value);
  const now = nowS ?? Math.floor(Date.now() / 1000);
  if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > toleranceS) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  return fields
    .filter((f) => f.key === 'v1' && /^[0-9a-f]{64}$/.test(f.value))
    .some((f) => timingSafeEqual(Buffer.from(f.value, 'hex'), expected));
}
