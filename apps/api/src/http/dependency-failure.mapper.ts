import { ServiceUnavailableError } from './app.errors.js';

/** Socket-level codes of a dependency that cannot be reached right now. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** SQLSTATE: class 08 is "connection exception"; 57P01-57P03 are shutdowns/start-up; 53300 too many connections. */
const PG_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
/** Errors pg and ioredis raise without a code when the connection is gone. */
const CONNECTION_LOST =
  /^(Connection terminated|Connection is closed|timeout exceeded when trying to connect|Stream isn't writeable and enableOfflineQueue options is false|Reached the max retries per request limit)/;

/**
 * Postgres or Redis being unreachable is not the client's fault and not a bug: the client gets a
 * 503 it can retry instead of a 500. Returns undefined for every other error.
 */
export function asServiceUnavailable(err: unknown): ServiceUnavailableError | undefined {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const unavailable =
    (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code))) ||
    (typeof message === 'string' && CONNECTION_LOST.test(message));
  if (!unavailable) return undefined;
  const mapped = new ServiceUnavailableError('A service this request needs (database or queue) is unavailable; retry shortly.');
  // Kept for the log line; the client sees only the message above.
  return Object.assign(mapped, { cause: err });
}
