import type { RequestHandler } from 'express';
import { MethodNotAllowedError } from './app.errors.js';

/** Mounted with `router.all(path, ...)` after a path's real handlers: any other method gets 405 with `Allow`. */
export function methodNotAllowed(...allowed: string[]): RequestHandler {
  return (req, res, next) => {
    res.set('Allow', allowed.join(', '));
    next(new MethodNotAllowedError(req.method, req.path, allowed));
  };
}
