import { ADMIN_OWNER } from '@reelforge/db';
import path from 'node:path';
import { createId } from '@paralleldrive/cuid2';
import type { FilesRepository } from '@reelforge/db';
import type { StorageDriver } from '@reelforge/storage';
import type { Clip } from './inputs.factory.js';

/**
 * A file row as an upload leaves it, without the HTTP part. With `storage`, the original is copied
 * there (a worker will read it); without, the row names an object that does not exist, which is
 * enough for submitting jobs no worker runs. Storage keys are unique per row, as the schema wants.
 */
export async function addFile(files: FilesRepository, clip: Clip, storage?: StorageDriver): Promise<string> {
  const id = createId();
  const storageKey = `uploads/${id}/${path.basename(clip.path)}`;
  if (storage) await storage.putFile(storageKey, clip.path, { contentType: 'video/mp4' });
  await files.insert({ owner: ADMIN_OWNER,
    id,
    originalName: path.basename(clip.path),
    mime: 'video/mp4',
    sizeBytes: clip.bytes,
    storageKey,
    durationS: clip.durationS,
    width: clip.width,
    height: clip.height,
  });
  return id;
}
