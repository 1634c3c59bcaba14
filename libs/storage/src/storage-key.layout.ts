/**
 * Where everything lives in storage; nothing else spells a key.
 *
 *   uploads/<fileId>/source              the original, under a fixed name (the client's name and type stay in Postgres)
 *   hls/<fileId>/<jobId>/<attempt>/master.m3u8             what `hlsUrl` points at
 *   hls/<fileId>/<jobId>/<attempt>/<rendition>/index.m3u8  and its segments, named by libs/media
 *   hls/<fileId>/<jobId>/<attempt>/poster.jpg, storyboard.jpg, storyboard.vtt
 *
 * Each attempt writes under a folder of its own, so a re-transcode or retry never rewrites a playlist
 * someone is playing (or a CDN has cached): the file's previous ladder stays whole and served until
 * the new attempt is playable, and stays whole after it (old URLs keep working). Jobs finished before
 * this layout kept `hls/<fileId>/…`; their `output_prefix` still says so.
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

/** Folder of everything transcoded from one file, every job and attempt. */
export function fileOutputFolder(fileId: string): string {
  return `hls/${fileId}`;
}

/** Folder of every attempt of one job: what is removed when the job fails or is cancelled. */
export function jobOutputPrefix(fileId: string, jobId: string): string {
  return `${fileOutputFolder(fileId)}/${jobId}`;
}

/** Folder of one attempt's HLS output; a job records it as its `output_prefix` once playable. */
export function outputPrefix(fileId: string, jobId: string, attempt: number): string {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a positive integer (got ${attempt})`);
  return `${jobOutputPrefix(fileId, jobId)}/${attempt}`;
}

export function masterKey(prefix: string): string {
  return `${prefix}/${MASTER_PLAYLIST_NAME}`;
}

export function posterKey(prefix: string): string {
  return `${prefix}/${POSTER_IMAGE_NAME}`;
}
