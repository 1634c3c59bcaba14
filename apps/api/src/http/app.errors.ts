/**
 * Errors raised by the API layer itself. Domain libraries raise their own classes; all carry a
 * stable `code`, and only the error middleware knows HTTP statuses.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class RequestValidationError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('invalid_request', message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Missing or invalid bearer token. Send "Authorization: Bearer <token>".') {
    super('unauthorized', message);
  }
}

export class NotFoundError extends AppError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string) {
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
    super('payload_too_large', `${what} exceeds the limit of ${limitBytes} bytes.`, { limitBytes });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(expected: string, got: string | undefined) {
    super('unsupported_media_type', `Send the request body as ${expected} (got ${got ? JSON.stringify(got.slice(0, 100)) : 'no content type'}).`);
  }
}

export class MethodNotAllowedError extends AppError {
  constructor(method: string, path: string, allowed: readonly string[]) {
    super('method_not_allowed', `${method} is not allowed on ${path}; use ${allowed.join(' or ')}.`, { allowed });
  }
}
