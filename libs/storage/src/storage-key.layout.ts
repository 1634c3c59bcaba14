/**
 * Where everything lives in storage; nothing else spells a key.
 *
 *   uploads/<fileId>/source              the original, under a fixed name (the client's name and type stay in Postgres)
 *   hls/<fileId>/master.m3u8             what `hlsUrl` points at
 *   hls/<fileId>/<rendition>/index.m3u8  and its segments, named by libs/media
 *   hls/<fileId>/poster.jpg, storyboard.jpg, storyboard.vtt
 *
 * Readers take an original's key from `files.storage_key` (older uploads kept a name derived from the
 * client's) and the output prefix from `transcoding_jobs.output_prefix`, never rebuilding them.
 */
export const ORIGINALS_PREFIX = 'uploads/';
export const MASTER_PLAYLIST_NAME = 'master.m3u8';
/** Beside master.m3u8; the player page looks for them there. */
export const POSTER_IMAGE_NAME = 'poster.jpg';
export const STORYBOARD_IMAGE_NAME = 'storyboard.jpg';
export const STORYBOARD_VTT_NAME = 'storyboard.vtt';

/** The key a new upload is stored under. */
export function originalKey(fileId: string): string {
  return `${ORIGINALS_PREFIX}${fileId}/source`;
}

/** True for an uploaded original's key (`uploads/<fileId>/…`, whatever name an older upload got). */
export function isOriginalKey(key: string): boolean {
  return key.startsWith(ORIGINALS_PREFIX);
}

/** Folder of a file's HLS output; a job records it as its `output_prefix`. */
export function outputPrefix(fileId: string): string {
  return `hls/${fileId}`;
}

export function masterKey(prefix: string): string {
  return `${prefix}/${MASTER_PLAYLIST_NAME}`;
}

export function posterKey(prefix: string): string {
  return `${prefix}/${POSTER_IMAGE_NAME}`;
}
