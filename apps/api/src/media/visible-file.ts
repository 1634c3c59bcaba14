import type { FileRecord, FilesRepository } from '@reelforge/db';
import { ConflictError, NotFoundError } from '../http/app.errors.js';
import { mayAccess, type Caller } from '../http/caller.js';

/**
 * The one ownership check for a file named in a request: another owner's file answers exactly like a
 * missing one, so a stranger cannot even learn that an id exists. A deleted file is missing too
 * (`findById` does not return tombstones).
 */
export async function findVisibleFile(files: Pick<FilesRepository, 'findById'>, fileId: string, caller: Caller): Promise<FileRecord> {
  const file = await files.findById(fileId);
  if (!file || !mayAccess(caller, file.owner)) throw fileNotFound(fileId);
  return file;
}

/** The answer for a file the caller may not see, does not exist or was deleted: one body for all three. */
export function fileNotFound(fileId: string): NotFoundError {
  return new NotFoundError('file_not_found', `No uploaded file with id ${fileId}.`);
}

/** A file still being imported, or whose import failed, has no original to transcode yet (or ever). */
export function assertFileReady(file: FileRecord): void {
  if (file.state === 'ready') return;
  const why = file.state === 'failed' ? `its import failed (${file.error?.code ?? 'unknown'})` : `it is still ${file.state}`;
  throw new ConflictError('file_not_ready', `File ${file.id} cannot be transcoded: ${why}. GET /api/media/files/${file.id} shows its state.`);
}
