import { expect } from '@jest/globals';
import type { ErrorCode } from '@reelforge/errors';
import { STATUS_BY_CODE } from '../../src/http/problem.middleware.js';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the shared real-stack harness lives in the root test/support
import { TEST_TOKEN } from '../../../../test/support/test-stack.js';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  details?: { issues?: { path: string; message: string }[]; [key: string]: unknown };
}

/** A stack frame such as `at handler (/srv/app/x.ts:12:5)` or `at /srv/app/x.js:3:1`. */
const STACK_FRAME = /\bat .*[/\\][^\s]+:\d+:\d+/;

/**
 * Asserts the whole error contract: the status, `application/problem+json`, every RFC 9457 member
 * plus a `code` that maps to this status, and no stack frame, token or connection string in the body.
 */
export async function expectProblem(res: Response, status: number, code: ErrorCode, secrets: readonly string[] = []): Promise<ProblemBody> {
  const text = await res.text();
  expect({ status: res.status, body: text }).toMatchObject({ status });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json(;|$)/);
  const body = JSON.parse(text) as ProblemBody;
  expect(body).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
  expect(STATUS_BY_CODE[code]).toBe(status);
  expect(text).not.toMatch(STACK_FRAME);
  for (const secret of [TEST_TOKEN, 'postgres://', 'postgresql://', 'redis://', ...secrets]) expect(text).not.toContain(secret);
  return body;
}
