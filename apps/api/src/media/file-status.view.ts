import type { FileRecord, Job } from '@reelforge/db';
import { publicErrorMessage } from '@reelforge/errors';
import type { FileFacts, FileStatus } from '../openapi/response.schemas.js';

/**
 * Where a file is on its way to being usable, as its row records it: uploads are `ready` when their row
 * is written (stored and sniffed first); a URL import is `importing` until the worker has fetched and
 * sniffed it, then `ready` or `failed`. A direct-to-bucket upload is `uploading` until the client completes
 * it, then `importing` while the worker reads it back from the bucket and sniffs it.
 */
export const FILE_STATES = ['importing', 'uploading', 'ready', 'failed'] as const;
export type FileState = (typeof FILE_STATES)[number];

export function fileStateOf(file: FileRecord): FileState {
  return file.state;
}

/** What the upload answered and the file status repeats: the facts stored when the file was probed. */
export function toFileFacts(file: FileRecord): FileFacts {
  return {
    fileId: file.id,
    originalName: file.originalName,
    mime: file.mime,
    sizeBytes: file.sizeBytes,
    durationS: file.durationS,
    width: file.width,
    height: file.height,
    createdAt: file.createdAt.toISOString(),
  };
}

/** GET /api/media/files/:fileId. */
export function toFileStatus(file: FileRecord, latestJob: Job | null): FileStatus {
  return {
    ...toFileFacts(file),
    state: fileStateOf(file),
    error: file.error ? { code: file.error.code, message: publicErrorMessage(file.error.code, file.error.message) } : null,
    latestJob: latestJob ? { jobId: latestJob.id, status: latestJob.status } : null,
  };
}
