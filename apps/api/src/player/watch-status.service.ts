import { toJobView, type FilesRepository, type JobsRepository } from '@reelforge/db';
import { NotFoundError } from '../http/app.errors.js';
import type { WatchStatus } from '../openapi/response.schemas.js';

export interface WatchStatusServiceDeps {
  files: Pick<FilesRepository, 'findById'>;
  jobs: Pick<JobsRepository, 'findLatestAndServedByFileId'>;
  /** URL the viewer's browser loads a storage key from (root-relative for local storage). */
  mediaUrl: (key: string) => string;
}

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
export class WatchStatusService {
  constructor(private readonly deps: WatchStatusServiceDeps) {}

  /** @throws NotFoundError (`file_not_found`) for an unknown file id. */
  async status(fileId: string): Promise<WatchStatus> {
    const file = await this.deps.files.findById(fileId);
    if (!file) throw new NotFoundError('file_not_found', `No video with id ${fileId}.`);
    const found = await this.deps.jobs.findLatestAndServedByFileId(fileId);
    if (!found) return { status: 'uploaded', progress: 0, stage: null, playable: false, hlsUrl: null, posterUrl: null };
    const { status, progress, stage, playable, hlsUrl, posterUrl } = toJobView(found.latest, this.deps.mediaUrl, found.served);
    return { status, progress, stage, playable, hlsUrl, posterUrl };
  }
}
