import express, { Router } from 'express';
import type { MediaService } from '../media/media.service.js';
import { IdempotencyKeySchema, TranscodeRequestSchema } from '../media/transcode.request.js';
import { receiveUpload } from '../media/upload.receiver.js';
import { AppError } from '../http/app.errors.js';
import { parseOrThrow } from '../http/validate.js';
import { ownerOf } from '../http/bearer-auth.middleware.js';

export interface MediaRoutesDeps {
  media: MediaService;
  maxUploadBytes: number;
}

export function mediaRoutes({ media, maxUploadBytes }: MediaRoutesDeps): Router {
  const router = Router();

  router.post('/api/media/upload', async (req, res) => {
    const received = await receiveUpload(req, maxUploadBytes);
    const file = await media.upload(received, ownerOf(res));
    res.status(201).json({
      fileId: file.id,
      originalName: file.originalName,
      mime: file.mime,
      sizeBytes: file.sizeBytes,
      durationS: file.durationS,
      width: file.width,
      height: file.height,
      createdAt: file.createdAt,
    });
  });

  router.post('/api/media/transcode', express.json({ limit: '64kb', strict: true }), async (req, res) => {
    if (!req.is('application/json')) {
      throw new AppError('unsupported_media_type', 'Send the request body as application/json.');
    }
    const body = parseOrThrow(TranscodeRequestSchema, req.body, 'transcode request');
    const rawKey = req.get('idempotency-key');
    const idempotencyKey = rawKey === undefined ? undefined : parseOrThrow(IdempotencyKeySchema, rawKey, 'Idempotency-Key header');
    const { job, created } = await media.submitTranscode(body, { owner: ownerOf(res), idempotencyKey });
    res.status(202).json({ jobId: job.id, fileId: job.fileId, status: job.status, created });
  });

  router.get('/api/media/transcode/:fileId', async (req, res) => {
    res.json(await media.status(req.params.fileId, ownerOf(res)));
  });

  return router;
}
