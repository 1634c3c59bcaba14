import { ConfigError } from '@reelforge/config';
import { ApiError } from './api.client.js';

/**
 * Exit codes of the client commands (transcode, status, jobs, keys), for scripts:
 * 0 done (transcode: completed), 1 failed (the job failed or was cancelled, or the server refused the
 * request), 2 bad usage, 3 server or database unreachable, unavailable or refusing the credentials,
 * 78 configuration missing (no token, no database) — EX_CONFIG, as the services use.
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  unavailable: 3,
  config: 78,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake in how the command was called; the message says how to call it. */
export class UsageError extends Error {
  readonly code = 'usage';
}

/** Something the command needs is not configured (a token, a database); the message says where it comes from. */
export class CliConfigError extends Error {
  readonly code = 'config';
}

/** A server or database did not answer, or refused the credentials. */
export class UnavailableError extends Error {
  readonly code = 'unavailable';
}

const UNAVAILABLE_STATUSES = new Set([0, 401, 403, 502, 503, 504]);

export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof UsageError || (err as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')) return ExitCode.usage;
  if (err instanceof CliConfigError || err instanceof ConfigError) return ExitCode.config;
  if (err instanceof UnavailableError) return ExitCode.unavailable;
  if (err instanceof ApiError) return UNAVAILABLE_STATUSES.has(err.status) ? ExitCode.unavailable : ExitCode.failed;
  return ExitCode.failed;
}
