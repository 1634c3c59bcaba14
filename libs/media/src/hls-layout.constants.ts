/** Where buildHlsArgs makes ffmpeg write, relative to the output directory; the master playlist refers to the same paths. */
export const AUDIO_GROUP_ID = 'aud';
export const MEDIA_PLAYLIST_NAME = 'index.m3u8';
export const SEGMENT_NAME_PATTERN = 'seg_%05d.ts';

/**
 * Segments are served with a year-long immutable cache, so a re-run (retry, stall recovery, a new
 * transcode of the same file) must never reuse a segment URL: each attempt names its own.
 */
export function segmentNamePattern(attempt: number | undefined): string {
  if (attempt === undefined) return SEGMENT_NAME_PATTERN;
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a positive integer (got ${attempt})`);
  return `seg_a${attempt}_%05d.ts`;
}

/** "1080p/index.m3u8" for a rendition (or "audio/index.m3u8"). */
export function mediaPlaylistUri(renditionName: string): string {
  return `${renditionName}/${MEDIA_PLAYLIST_NAME}`;
}

/** Joins path segments with "/" without doubling separators (outputDir may end with one). */
export function joinPath(directory: string, ...rest: string[]): string {
  return [directory.replace(/\/+$/, ''), ...rest].join('/');
}
