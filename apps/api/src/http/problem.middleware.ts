import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from './app.errors.js';
import { asServiceUnavailable } from './dependency-failure.mapper.js';

/** HTTP status for every stable error code the API can answer with. Unknown codes are 500. */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_cursor: 400,
  invalid_storage_key: 400,
  invalid_multipart: 400,
  invalid_http: 400,
  missing_file: 400,
  request_aborted: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  file_not_found: 404,
  job_not_found: 404,
  route_not_found: 404,
  metrics_disabled: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  header_fields_too_large: 431,
  job_not_retryable: 409,
  job_not_cancellable: 409,
  idempotency_key_reused: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_media: 422,
  unsupported_input: 422,
  service_unavailable: 503,
  storage_unavailable: 503,
  storage_not_found: 404,
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemFor(code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  const status = STATUS_BY_CODE[code] ?? 500;
  return {
    type: `https://reelforge.dev/problems/${code.replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code in STATUS_BY_CODE ? code : undefined;
}

/** Express body-parser and similar libraries mark client errors with `type` and `status`. */
function clientErrorCode(err: unknown): string | undefined {
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
    if (codeOf(err) === undefined) err = asServiceUnavailable(err) ?? err;
    const code = codeOf(err) ?? clientErrorCode(err);
    if (code === undefined) {
      (req.log ?? logger).error({ err }, 'unhandled error');
      sendProblem(res, problemFor('internal_error', 'Something went wrong on our side; the error has been logged.'));
      return;
    }
    const message = code === 'invalid_json' ? 'The request body is not valid JSON.' : (err as Error).message;
    const details = (err as { details?: Record<string, unknown> }).details;
    if ((STATUS_BY_CODE[code] ?? 500) >= 500) (req.log ?? logger).warn({ err }, message);
    sendProblem(res, problemFor(code, message, details ? { details } : {}));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('route_not_found', `No route for ${req.method} ${req.path}.`));
};
