import path from 'node:path';
import { StorageNotFoundError, type StorageDriver } from '@reelforge/storage';

/** A path ffmpeg can read the original at: a local file in place, anything remote fetched once into `scratch`. */
export async function localSource(storage: StorageDriver, key: string, scratch: string): Promise<string> {
  const inPlace = storage.localPath(key);
  if (inPlace !== null) {
    // Checked here: ffprobe would report a missing file as unreadable media, a misleading reason.
    if (!(await storage.stat(key))) throw new StorageNotFoundError(key);
    return inPlace;
  }
  const target = path.join(scratch, `source${path.extname(key).slice(0, 10)}`);
  await storage.downloadToFile(key, target);
  return target;
}
