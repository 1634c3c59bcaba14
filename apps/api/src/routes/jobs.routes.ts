import { Router } from 'express';
import { callerOf } from '../http/caller.js';
import type { JobControlService } from '../media/job-control.service.js';

export interface JobsRoutesDeps {
  jobControl: JobControlService;
}

/** Cancel and retry of a file's latest transcode job; bodies have the shape of the submit route's. */
export function jobsRoutes({ jobControl }: JobsRoutesDeps): Router {
  const router = Router();

  router.post('/api/media/transcode/:fileId/cancel', async (req, res) => {
    const { job, changed } = await jobControl.cancel(req.params.fileId, callerOf(res));
    req.log.info({ jobId: job.id, fileId: job.fileId, changed }, changed ? 'transcode job cancelled' : 'transcode job was already cancelled');
    // 202: a running job's ffmpeg is still being stopped and its partial output removed.
    res.status(changed ? 202 : 200).json({ jobId: job.id, fileId: job.fileId, status: job.status });
  });

  router.post('/api/media/transcode/:fileId/retry', async (req, res) => {
    const job = await jobControl.retry(req.params.fileId, callerOf(res));
    req.log.info({ jobId: job.id, fileId: job.fileId, attempts: job.attempts }, 'transcode job queued again');
    res.status(202).json({ jobId: job.id, fileId: job.fileId, status: job.status, attempts: job.attempts });
  });

  return router;
}
