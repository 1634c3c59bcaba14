import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { UnauthorizedError } from './app.errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Compares the presented token against every configured one in constant time (hashing first makes
 * the lengths equal, so neither content nor length leaks through timing).
 */
export function tokenMatches(presented: string, configured: readonly Buffer[]): boolean {
  const candidate = digest(presented);
  let match = false;
  for (const known of configured) match = timingSafeEqual(candidate, known) || match;
  return match;
}

/**
 * The owner jobs and files are scoped to; tokens from API_TOKENS act for the whole installation (null).
 */
export function ownerOf(res: Response): string | null {
  return (res.locals.owner as string | undefined) ?? null;
}

export function bearerAuth(tokens: readonly string[]): RequestHandler {
  const configured = tokens.map(digest);
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || configured.length === 0 || !tokenMatches(match[1]!, configured)) {
      next(new UnauthorizedError());
      return;
    }
    res.locals.owner = null;
    next();
  };
}
