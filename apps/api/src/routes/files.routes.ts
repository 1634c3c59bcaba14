import type { FilesRepository, JobsRepository } from '@reelforge/db';
import { Router } from 'express';
import { NotFoundError } from '../http/app.errors.js';
import { callerOf } from '../http/caller.js';
import { methodNotAllowed } from '../http/method-not-allowed.handler.js';
import type { FileDeletionService } from '../media/file-deletion.service.js';
import { toFileStatus } from '../media/file-status.view.js';
import { FileIdSchema } from '../media/transcode.request.js';
import { findVisibleFile } from '../media/visible-file.js';

export const FILE_STATUS_PATH = '/api/media/files/:fileId';
export const FILE_PATH = '/api/media/:fileId';

export interface FilesRoutesDeps {
  files: Pick<FilesRepository, 'findById'>;
  jobs: Pick<JobsRepository, 'findLatestByFileId'>;
  deletion: FileDeletionService;
}

/** A path id that is not an id cannot name a file; refused before any query, like the transcode routes do. */
function fileIdOf(raw: string): string {
  const parsed = FileIdSchema.safeParse(raw);
  if (!parsed.success) throw new NotFoundError('file_not_found', 'No uploaded file with that id.');
  return parsed.data;
}

/** A file as such: its facts and state, and its deletion with everything derived from it. */
export function filesRoutes({ files, jobs, deletion }: FilesRoutesDeps): Router {
  const router = Router();

  router.get(FILE_STATUS_PATH, async (req, res) => {
    const file = await findVisibleFile(files, fileIdOf(req.params.fileId), callerOf(res));
    res.json(toFileStatus(file, await jobs.findLatestByFileId(file.id)));
  });

  router.delete(FILE_PATH, async (req, res) => {
    const { file, cancelled, stopping } = await deletion.delete(fileIdOf(req.params.fileId), callerOf(res));
    if (stopping && cancelled) {
      // 202: the worker is still stopping; it removes what it wrote meanwhile once its ffmpeg has ended.
      res.status(202).json({ fileId: file.id, jobId: cancelled.id, status: cancelled.status });
      return;
    }
    res.status(204).end();
  });

  router.all(FILE_STATUS_PATH, methodNotAllowed('GET', 'HEAD'));

  return router;
}
