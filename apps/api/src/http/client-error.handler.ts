import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@reelforge/errors';
import { problemFor } from './problem.middleware.js';

function problemCode(err: NodeJS.ErrnoException): [code: ErrorCode, detail: string] {
  if (err.code === 'HPE_HEADER_OVERFLOW') return ['header_fields_too_large', 'The request headers are larger than the server accepts.'];
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return ['request_timeout', 'The request headers did not arrive in time.'];
  return ['invalid_http', 'The request is not valid HTTP/1.1.'];
}

/**
 * For the server's 'clientError' event: a request Node's parser rejects never reaches Express, and
 * Node's own answer is a bare status line. This answers with the same problem+json as every other
 * error, then closes the connection.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [code, detail] = problemCode(err);
  const problem = problemFor(code, detail);
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${problem.status} ${problem.title}\r\n` +
      `Content-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
