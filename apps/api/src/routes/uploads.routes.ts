import { Router, type RequestHandler, type Response } from 'express';
import { AppError, UnsupportedMediaTypeError } from '../http/app.errors.js';
import { callerOf, mayAccess, type Caller } from '../http/caller.js';
import { methodNotAllowed } from '../http/method-not-allowed.handler.js';
import { FileIdSchema } from '../media/transcode.request.js';
import { UPLOADS_PATH, type ResumableUploads, type TusOutcome } from '../uploads/resumable-uploads.js';

const UPLOAD_PATH = `${UPLOADS_PATH}/:uploadId`;
/** The only body tus accepts in a PATCH (and the one creation-with-upload uses). */
const TUS_CHUNK_TYPE = 'application/offset+octet-stream';
/** Set by the problem middleware; tus's own would describe the plain-text body it replaced. */
const HEADERS_NOT_COPIED = new Set(['content-type', 'content-length']);

const uploadNotFound = () => new AppError('upload_not_found', 'No resumable upload with that id.');

async function send(outcome: TusOutcome, res: Response): Promise<void> {
  const headers = outcome.kind === 'response' ? outcome.response.headers : outcome.headers;
  // Tus-Resumable and the CORS headers go on error answers too, so browsers can read them.
  for (const [name, value] of headers) if (!HEADERS_NOT_COPIED.has(name) || outcome.kind === 'response') res.setHeader(name, value);
  if (outcome.kind === 'error') throw outcome.error;
  res.status(outcome.response.status).end(Buffer.from(await outcome.response.arrayBuffer()));
}

function through(uploads: ResumableUploads, callerFor: (res: Response) => Caller | undefined): RequestHandler {
  return async (req, res) => send(await uploads.handle(req, res, callerFor(res)), res);
}

/**
 * OPTIONS (tus discovery and CORS preflight) outside the bearer token: browsers send preflights
 * without credentials, and the answer holds only the server's capabilities.
 */
export function uploadsPreflightRoutes(uploads: ResumableUploads): Router {
  const router = Router();
  const discover = through(uploads, () => undefined);
  router.options(UPLOADS_PATH, discover);
  router.options(UPLOAD_PATH, discover);
  return router;
}

/**
 * POST creates an upload owned by the caller; HEAD, PATCH and DELETE act on one. Another owner's
 * upload does not exist for the caller (404), as for files and jobs; administrators reach all.
 */
export function uploadsRoutes(uploads: ResumableUploads): Router {
  const router = Router();
  const handle = through(uploads, callerOf);

  router.use(UPLOAD_PATH, async (req, res, next) => {
    const uploadId = String(req.params.uploadId);
    if (!FileIdSchema.safeParse(uploadId).success) throw uploadNotFound();
    const owner = await uploads.ownerOf(uploadId);
    if (owner !== undefined && !mayAccess(callerOf(res), owner)) throw uploadNotFound();
    next();
  });

  router.post(UPLOADS_PATH, handle);
  router.head(UPLOAD_PATH, handle);
  router.patch(UPLOAD_PATH, (req, _res, next) => {
    // tus's server would answer 400 for this; the protocol asks for 415, as the other upload route gives.
    const type = req.get('content-type');
    next(type?.toLowerCase() === TUS_CHUNK_TYPE ? undefined : new UnsupportedMediaTypeError(TUS_CHUNK_TYPE, type));
  }, handle);
  router.delete(UPLOAD_PATH, handle);

  router.all(UPLOADS_PATH, methodNotAllowed('POST', 'OPTIONS'));
  router.all(UPLOAD_PATH, methodNotAllowed('HEAD', 'PATCH', 'DELETE', 'OPTIONS'));
  return router;
}
