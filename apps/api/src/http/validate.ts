import type { z } from 'zod';
import { RequestValidationError } from './app.errors.js';

export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * Flattens zod issues to one entry per field; an unknown key is reported at its own path
 * (`ladder.foo`) rather than at its parent, so clients can point at the offending field.
 */
export function validationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...at, key].join('.'), message: 'unknown field' }));
    }
    return [{ path: at.join('.') || '(root)', message: issue.message }];
  });
}

/** The detail line names the first few issues; `details.issues` has them all. */
const SUMMARIZED_ISSUES = 5;

/** Parses a request part with a zod schema; the problem+json lists every issue with its path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = validationIssues(result.error);
  const summary = issues.slice(0, SUMMARIZED_ISSUES).map((i) => `${i.path}: ${i.message}`);
  if (issues.length > SUMMARIZED_ISSUES) summary.push(`and ${issues.length - SUMMARIZED_ISSUES} more`);
  throw new RequestValidationError(`Invalid ${what}: ${summary.join('; ')}`, { issues });
}
