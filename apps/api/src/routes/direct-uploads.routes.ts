import { Router } from 'express';
import { NotFoundError } from '../http/app.errors.js';
import { callerOf } from '../http/caller.js';
import { jsonBody } from '../http/json-body.middleware.js';
import { methodNotAllowed } from '../http/method-not-allowed.handler.js';
import { parseOrThrow } from '../http/validate.js';
import { FileIdSchema } from '../media/transcode.request.js';
import { CompleteDirectUploadSchema, DirectUploadRequestSchema } from '../uploads/direct-upload.request.js';
import type { DirectUploadsService } from '../uploads/direct-uploads.service.js';

export const DIRECT_UPLOADS_PATH = '/api/uploads/direct';
const DIRECT_UPLOAD_PATH = `${DIRECT_UPLOADS_PATH}/:fileId`;
const COMPLETE_PATH = `${DIRECT_UPLOAD_PATH}/complete`;

/** A creation request is small; a completion lists up to 10,000 parts of about 60 bytes each. */
const CREATE_BODY_LIMIT_BYTES = 64 * 1024;
const COMPLETE_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Direct-to-bucket uploads: create (presigned part URLs), complete, abort. Mounted before the tus
 * routes, whose `/api/uploads/:uploadId` would otherwise take `direct` for an upload id.
 */
export function directUploadsRoutes(service: DirectUploadsService): Router {
  const router = Router();

  router.use(DIRECT_UPLOAD_PATH, (req, _res, next) => {
    next(FileIdSchema.safeParse(req.params.fileId).success ? undefined : new NotFoundError('file_not_found', 'No uploaded file with that id.'));
  });

  router.post(DIRECT_UPLOADS_PATH, ...jsonBody(CREATE_BODY_LIMIT_BYTES), async (req, res) => {
    const body = parseOrThrow(DirectUploadRequestSchema, req.body, 'direct upload request');
    const created = await service.create(body, callerOf(res));
    res.status(201).json({
      fileId: created.file.id,
      state: created.file.state,
      uploadId: created.uploadId,
      partSize: created.partSize,
      parts: created.parts,
      expiresAt: created.expiresAt.toISOString(),
      jobId: created.job?.id ?? null,
    });
  });

  router.post(COMPLETE_PATH, ...jsonBody(COMPLETE_BODY_LIMIT_BYTES), async (req, res) => {
    const body = parseOrThrow(CompleteDirectUploadSchema, req.body, 'direct upload completion');
    const { file, job } = await service.complete(String(req.params.fileId), body, callerOf(res));
    res.status(202).json({ fileId: file.id, state: file.state, sizeBytes: file.sizeBytes, jobId: job?.id ?? null });
  });

  router.delete(DIRECT_UPLOAD_PATH, async (req, res) => {
    await service.abort(String(req.params.fileId), callerOf(res));
    res.status(204).end();
  });

  router.all(DIRECT_UPLOADS_PATH, methodNotAllowed('POST'));
  router.all(COMPLETE_PATH, methodNotAllowed('POST'));
  router.all(DIRECT_UPLOAD_PATH, methodNotAllowed('DELETE'));
  return router;
}
