import type { FileRecord, FilesRepository } from '@reelforge/db';
import { NotFoundError } from '../http/app.errors.js';
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
