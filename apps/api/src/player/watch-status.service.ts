import type { FilesRepository, Job, JobsRepository } from '@reelforge/db';
import { MASTER_PLAYLIST_NAME } from '@reelforge/media';
import { NotFoundError } from '../http/app.errors.js';

/**
 * What the public watch page may learn about a file, and nothing more.
 *
 * Privacy trade-off: `/watch/:fileId` and its status need no token, so whoever holds a file id can
 * see whether it is still encoding and, once done, play it. That grants nothing new: the HLS output
 * is public already (a public-read bucket or CDN, or `/media/hls` for local storage), reachable by
 * the same unguessable cuid2 id. What stays private is everything else the authenticated status
 * route shows: the original file name, the owner, job ids, timestamps, attempts, renditions and the
 * error message (ffmpeg's stderr can name paths on the worker). A failed job only says "failed".
 */
export interface WatchStatus {
  /** The latest job's status, or `uploaded` while no transcode was requested. */
  status: Job['status'] | 'uploaded';
  progress: number;
  stage: string | null;
  /** Set once the job completed. */
  hlsUrl: string | null;
  /** Set once the job completed with a video (an audio-only output has no poster). */
  posterUrl: string | null;
}

export interface WatchStatusServiceDeps {
  files: Pick<FilesRepository, 'findById'>;
  jobs: Pick<JobsRepository, 'findLatestByFileId'>;
  /** URL the viewer's browser loads a storage key from (root-relative for local storage). */
  mediaUrl: (key: string) => string;
}

export class WatchStatusService {
  constructor(private readonly deps: WatchStatusServiceDeps) {}

  /** @throws NotFoundError (`file_not_found`) for an unknown file id. */
  async status(fileId: string): Promise<WatchStatus> {
    const file = await this.deps.files.findById(fileId);
    if (!file) throw new NotFoundError('file_not_found', `No video with id ${fileId}.`);
    const job = await this.deps.jobs.findLatestByFileId(fileId);
    if (!job) return { status: 'uploaded', progress: 0, stage: null, hlsUrl: null, posterUrl: null };
    const done = job.status === 'completed' && job.outputPrefix !== null;
    const hasVideo = job.renditions.some((rendition) => rendition['kind'] === 'video');
    return {
      status: job.status,
      progress: job.progress,
      stage: job.stage,
      hlsUrl: done ? this.deps.mediaUrl(`${job.outputPrefix}/${MASTER_PLAYLIST_NAME}`) : null,
      posterUrl: done && hasVideo ? this.deps.mediaUrl(`${job.outputPrefix}/poster.jpg`) : null,
    };
  }
}
