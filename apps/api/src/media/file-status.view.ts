import type { FileRecord, Job } from '@reelforge/db';
import type { FileFacts, FileStatus } from '../openapi/response.schemas.js';

/**
 * Where a file is on its way to being usable. Today only `ready` occurs: a files row is written only
 * after the upload has been stored and sniffed. The other states are planned for resumable uploads and
 * URL imports (issue 14), which will record them on the row; clients should already expect them.
 */
export const FILE_STATES = ['importing', 'uploading', 'ready', 'failed'] as const;
export type FileState = (typeof FILE_STATES)[number];

/** The state a stored row is in; see FILE_STATES for why it is `ready` today. */
export function fileStateOf(_file: FileRecord): FileState {
  return 'ready';
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
    error: null,
    latestJob: latestJob ? { jobId: latestJob.id, status: latestJob.status } : null,
  };
}
