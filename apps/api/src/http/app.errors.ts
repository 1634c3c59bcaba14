import { AppError } from '@reelforge/errors';

/** The shared base, and the errors the API layer raises itself: each carries a code, never a status. */
export { AppError };

export class RequestValidationError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('invalid_request', message, { details });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Missing or invalid bearer token. Send "Authorization: Bearer <token>".') {
    super('unauthorized', message);
  }
}

export class NotFoundError extends AppError {
  constructor(code: 'file_not_found' | 'job_not_found', message: string) {
    super(code, message);
  }
}

export class ConflictError extends AppError {
  constructor(code: 'job_not_retryable' | 'job_not_cancellable' | 'idempotency_key_reused' | 'file_not_ready', message: string) {
    super(code, message);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message: string) {
    super('service_unavailable', message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(what: string, limitBytes: number) {
    super('payload_too_large', `${what} exceeds the limit of ${limitBytes} bytes.`, { details: { limitBytes } });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(expected: string, got: string | undefined) {
    super('unsupported_media_type', `Send the request body as ${expected} (got ${got ? JSON.stringify(got.slice(0, 100)) : 'no content type'}).`);
  }
}

export class MethodNotAllowedError extends AppError {
  constructor(method: string, path: string, allowed: readonly string[]) {
    super('method_not_allowed', `${method} is not allowed on ${path}; use ${allowed.join(' or ')}.`, { details: { allowed } });
  }
}

/** A fair-use limit was reached; the client may try again after `retryAfterS` seconds (the Retry-After header). */
export class TooManyRequestsError extends AppError {
  constructor(
    code: 'owner_quota_exceeded' | 'too_many_streams',
    message: string,
    readonly retryAfterS: number,
    details?: Record<string, unknown>,
  ) {
    super(code, message, { details: { ...details, retryAfterS } });
  }
}
