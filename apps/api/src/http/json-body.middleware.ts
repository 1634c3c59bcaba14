import express, { type RequestHandler } from 'express';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from './app.errors.js';

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Parses a JSON request body of at most `limitBytes`. The content type is checked first (415), and
 * a declared length over the limit is refused before a byte is read (413); a chunked body that
 * grows too large is cut off by the parser (413). Syntax errors surface as `invalid_json`.
 */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const guard: RequestHandler = (req, _res, next) => {
    const type = req.get('content-type');
    if (!type || !JSON_TYPE.test(type)) {
      next(new UnsupportedMediaTypeError('application/json', type));
      return;
    }
    if (Number(req.get('content-length') ?? 0) > limitBytes) {
      next(new PayloadTooLargeError('The request body', limitBytes));
      return;
    }
    next();
  };
  return [guard, express.json({ limit: limitBytes, strict: true, type: () => true })];
}
