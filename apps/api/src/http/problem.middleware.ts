import { STATUS_CODES } from 'node:http';
import { AppError, PUBLIC_MESSAGE_CODES, publicErrorMessage, type ErrorCode } from '@reelforge/errors';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { TooManyRequestsError } from './app.errors.js';
import { asServiceUnavailable } from './dependency-failure.mapper.js';

/**
 * HTTP status for every stable error code. A `Record` over ErrorCode: a code without a status does not
 * compile. 500 marks a failure of ours: it is logged and the client sees only `internal_error`.
 */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_cursor: 400,
  invalid_storage_key: 400,
  invalid_multipart: 400,
  invalid_http: 400,
  missing_file: 400,
  request_aborted: 400,
  invalid_tus_request: 400,
  invalid_upload_parts: 400,
  webhook_url_not_allowed: 422,
  import_refused: 422,
  unauthorized: 401,
  file_not_found: 404,
  job_not_found: 404,
  route_not_found: 404,
  metrics_disabled: 404,
  storage_not_found: 404,
  api_key_not_found: 404,
  upload_not_found: 404,
  webhook_delivery_not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  upload_deadline_exceeded: 408,
  job_not_retryable: 409,
  job_not_cancellable: 409,
  file_not_ready: 409,
  active_job_exists: 409,
  api_key_ambiguous: 409,
  upload_offset_mismatch: 409,
  upload_not_open: 409,
  direct_upload_unavailable: 409,
  upload_expired: 410,
  tus_version_required: 412,
  webhook_delivery_pending: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  storage_range_not_satisfiable: 416,
  idempotency_key_reused: 422,
  invalid_media: 422,
  unsupported_input: 422,
  // 422, not 413: the body was within MAX_UPLOAD_BYTES; what it holds (pixels, rate, length, streams) is refused.
  input_too_large: 422,
  ladder_out_of_bounds: 422,
  owner_quota_exceeded: 429,
  too_many_streams: 429,
  header_fields_too_large: 431,
  internal_error: 500,
  ffmpeg_missing: 500,
  ffmpeg_failed: 500,
  cancelled: 500,
  job_timeout: 500,
  invalid_schema_name: 500,
  embedded_postgres_failed: 500,
  webhook_secret_missing: 500,
  webhook_secret_key_invalid: 500,
  webhook_delivery_failed: 500,
  invalid_config: 500,
  redis_missing: 500,
  tus_extension_unsupported: 501,
  // Never an answer of the API itself: a failed import's file status and job carry them.
  import_failed: 502,
  import_timeout: 504,
  service_unavailable: 503,
  storage_unavailable: 503,
  probe_timeout: 503,
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  [extra: string]: unknown;
}

export function problemFor(code: ErrorCode, detail: string, extra: Record<string, unknown> = {}): Problem {
  const status = STATUS_BY_CODE[code];
  return {
    type: `https://reelforge.dev/problems/${code.replace(/_/g, '-')}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
}

/** Express body-parser and similar libraries mark client errors with `type` and `status`. */
function clientErrorCode(err: unknown): ErrorCode | undefined {
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.parse.failed') return 'invalid_json';
  if (e?.type === 'entity.too.large') return 'payload_too_large';
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return 'unsupported_media_type';
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return 'invalid_request';
  return undefined;
}

export function sendProblem(res: Parameters<RequestHandler>[1], problem: Problem): void {
  res.status(problem.status).type('application/problem+json').json(problem);
}

/**
 * True while part of the request body is still unread (an upload refused early). Answering such a
 * request on a kept-alive connection would make Node read and discard the rest of the body first,
 * however large; closing the connection after the answer stops that.
 */
function bodyLeftUnread(req: Parameters<RequestHandler>[0]): boolean {
  const declared = Number(req.get('content-length') ?? 0);
  return !req.complete && (declared > 0 || req.get('transfer-encoding') !== undefined);
}

export function problemMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    if (bodyLeftUnread(req)) res.set('Connection', 'close');
    // A Postgres or Redis outage surfaces as the driver's own error: answer it with a retryable 503.
    const error: unknown = err instanceof AppError ? err : (asServiceUnavailable(err) ?? err);
    const code: ErrorCode | undefined = error instanceof AppError ? error.code : clientErrorCode(error);
    if (code === undefined || STATUS_BY_CODE[code] === 500) {
      (req.log ?? logger).error({ err: error }, 'unhandled error');
      sendProblem(res, problemFor('internal_error', 'Something went wrong on our side; the error has been logged.'));
      return;
    }
    const raw = (error as Error).message;
    // Storage and media errors carry paths, buckets and endpoints: clients get the public message (raw text is logged).
    const message = code === 'invalid_json' ? 'The request body is not valid JSON.' : PUBLIC_MESSAGE_CODES.has(code) ? publicErrorMessage(code, raw) : raw;
    const details = error instanceof AppError ? error.details : undefined;
    if (STATUS_BY_CODE[code] > 500) (req.log ?? logger).warn({ err: error }, raw);
    if (error instanceof TooManyRequestsError) res.set('Retry-After', String(error.retryAfterS));
    sendProblem(res, problemFor(code, message, details ? { details } : {}));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('route_not_found', `No route for ${req.method} ${req.path}.`));
};
