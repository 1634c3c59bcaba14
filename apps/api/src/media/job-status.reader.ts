import { toJobView, type FilesRepository, type JobsRepository, type JobView } from '@reelforge/db';
import { TranscodeProgressSchema, type TranscodeQueue } from '@reelforge/queue';
import { NotFoundError } from '../http/app.errors.js';
import type { Caller } from '../http/caller.js';
import { findVisibleFile } from './visible-file.js';

export interface JobStatusReaderDeps {
  files: Pick<FilesRepository, 'findById'>;
  jobs: Pick<JobsRepository, 'findLatestAndServedByFileId'>;
  queue: Pick<TranscodeQueue, 'getJob'>;
  /** Public URL of a storage key (the storage driver's `publicUrl`). */
  publicUrl: (key: string) => string;
}

/**
 * The one road from a file's latest job to GET /api/media/transcode/:fileId and to every state its
 * live stream sends, so the two cannot disagree. Postgres decides the state. While the job runs,
 * progress is the newer of Postgres (written throttled, so it may lag) and what the worker last
 * reported to the BullMQ job of the current attempt; without Redis it is Postgres alone.
 */
export class JobStatusReader {
  constructor(private readonly deps: JobStatusReaderDeps) {}

  /** @throws NotFoundError (`file_not_found`, `job_not_found`); an owner sees only its own files. */
  async read(fileId: string, caller: Caller): Promise<JobView> {
    await findVisibleFile(this.deps.files, fileId, caller);
    const found = await this.deps.jobs.findLatestAndServedByFileId(fileId);
    if (!found) {
      throw new NotFoundError('job_not_found', `File ${fileId} has no transcode job yet; start one with POST /api/media/transcode.`);
    }
    // While the latest job is not playable, the file's previous ladder is still what its URLs serve.
    const { latest: job, served } = found;
    const view = toJobView(job, this.deps.publicUrl, served);
    if (job.status !== 'processing' || job.bullmqJobId === null) return view;
    const bullJob = await this.deps.queue.getJob(job.bullmqJobId).catch(() => undefined);
    const live = TranscodeProgressSchema.safeParse(bullJob?.progress);
    return live.success && live.data.percent > view.progress ? { ...view, progress: live.data.percent, stage: live.data.stage } : view;
  }
}
