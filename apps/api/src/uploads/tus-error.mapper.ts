import type { ErrorCode } from '@reelforge/errors';

/**
 * @tus/server answers protocol errors with a status and a plain-text line; the API answers every
 * error as problem+json with a stable code. Statuses not listed (none expected) pass through as-is.
 */
const CODE_BY_TUS_STATUS: Readonly<Record<number, ErrorCode>> = {
  // 403 is tus's answer to a PATCH without Upload-Offset or Content-Type: a malformed request to us.
  400: 'invalid_tus_request',
  403: 'invalid_tus_request',
  404: 'upload_not_found',
  409: 'upload_offset_mismatch',
  410: 'upload_expired',
  412: 'tus_version_required',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  500: 'internal_error',
  501: 'tus_extension_unsupported',
  // The Redis locker's LOCK_STORE_UNAVAILABLE.
  503: 'service_unavailable',
};

export function tusErrorCode(status: number): ErrorCode | undefined {
  return CODE_BY_TUS_STATUS[status];
}
