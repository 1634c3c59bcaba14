import { Router } from 'express';
import type { JobStatusReader } from '../media/job-status.reader.js';
import { toFileFacts } from '../media/file-status.view.js';
import type { MediaService } from '../media/media.service.js';
import { ImportRequestSchema } from '../media/import.request.js';
import { FileIdSchema, IdempotencyKeySchema, TranscodeRequestSchema } from '../media/transcode.request.js';
import { receiveUpload } from '../media/upload.receiver.js';
import { NotFoundError } from '../http/app.errors.js';
import { jsonBody } from '../http/json-body.middleware.js';
import { methodNotAllowed } from '../http/method-not-allowed.handler.js';
import { parseOrThrow } from '../http/validate.js';
import { callerOf } from '../http/caller.js';

export interface MediaRoutesDeps {
  media: MediaService;
  status: JobStatusReader;
  maxUploadBytes: number;
  uploadTmpDir: string;
  /** UPLOAD_DEADLINE_S in milliseconds: the most an upload may take from first byte to last. */
  uploadDeadlineMs: number;
}

/** Transcode requests are a few hundred bytes; this leaves room for a ladder without inviting abuse. */
const TRANSCODE_BODY_LIMIT_BYTES = 64 * 1024;

export function mediaRoutes({ media, status, maxUploadBytes, uploadTmpDir, uploadDeadlineMs }: MediaRoutesDeps): Router {
  const router = Router();

  // A path id that is not an id cannot name a file. Refused here, for every route below this prefix
  // (cancel, retry, events included), so bytes like NUL never reach a query.
  router.use('/api/media/transcode/:fileId', (req, _res, next) => {
    next(FileIdSchema.safeParse(req.params.fileId).success ? undefined : new NotFoundError('file_not_found', 'No uploaded file with that id.'));
  });

  router.post('/api/media/upload', async (req, res) => {
    const received = await receiveUpload(req, { maxBytes: maxUploadBytes, tmpDir: uploadTmpDir, deadlineMs: uploadDeadlineMs });
    const file = await media.upload(received, callerOf(res));
    res.status(201).json(toFileFacts(file));
  });

  router.post('/api/media/transcode', ...jsonBody(TRANSCODE_BODY_LIMIT_BYTES), async (req, res) => {
    const body = parseOrThrow(TranscodeRequestSchema, req.body, 'transcode request');
    const rawKey = req.get('idempotency-key');
    const idempotencyKey = rawKey === undefined ? undefined : parseOrThrow(IdempotencyKeySchema, rawKey, 'Idempotency-Key header');
    const { job, created } = await media.submitTranscode(body, { caller: callerOf(res), idempotencyKey });
    req.log.info({ jobId: job.id, fileId: job.fileId, created }, created ? 'transcode job created' : 'existing transcode job returned');
    res.status(202).json({ jobId: job.id, fileId: job.fileId, status: job.status, created });
  });

  router.post('/api/media/import', ...jsonBody(TRANSCODE_BODY_LIMIT_BYTES), async (req, res) => {
    const body = parseOrThrow(ImportRequestSchema, req.body, 'import request');
    const { file, job } = await media.importFromUrl(body, callerOf(res));
    req.log.info({ fileId: file.id, jobId: job?.id }, 'import queued');
    res.status(202).json({ fileId: file.id, state: file.state, jobId: job?.id ?? null });
  });

  router.get('/api/media/transcode/:fileId', async (req, res) => {
    res.json(await status.read(req.params.fileId, callerOf(res)));
  });

  router.all('/api/media/upload', methodNotAllowed('POST'));
  router.all('/api/media/transcode', methodNotAllowed('POST'));
  router.all('/api/media/import', methodNotAllowed('POST'));
  router.all('/api/media/transcode/:fileId', methodNotAllowed('GET', 'HEAD'));

  return router;
}
