import { createHmac, timingSafeEqual } from 'node:crypto';

/** `Reelforge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` */
export const SIGNATURE_HEADER = 'Reelforge-Signature';
/** Receivers should refuse signatures older (or newer) than this; it bounds replays of a captured request. */
export const DEFAULT_SIGNATURE_TOLERANCE_S = 300;

function hmacHex(secret: string, timestampS: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestampS}.${rawBody}`, 'utf8').digest('hex');
}

/**
 * The signature header value for one delivery attempt. The timestamp is part of the signed text, so
 * a receiver that checks its age rejects replays; each attempt is signed afresh.
 */
export function signWebhook(secret: string, rawBody: string, timestampS: number): string {
  return `t=${timestampS},v1=${hmacHex(secret, timestampS, rawBody)}`;
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

/** Checks a signature the way the README tells receivers to; constant-time on the digest. */
export function verifyWebhookSignature({ secret, rawBody, header, toleranceS = DEFAULT_SIGNATURE_TOLERANCE_S, nowS }: VerifyWebhookInput): boolean {
  if (!header) return false;
  const fields = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const timestamp = Number(fields.get('t'));
  const signature = fields.get('v1') ?? '';
  const now = nowS ?? Math.floor(Date.now() / 1000);
  if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > toleranceS) return false;
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signature, 'hex'), Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex'));
}
