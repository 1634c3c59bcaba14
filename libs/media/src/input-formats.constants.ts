/**
 * Demuxers an input may be read with (ffprobe/ffmpeg `-format_whitelist`). Everything else is refused,
 * on upload and again in the worker: images (`png_pipe`, `image2`), HLS playlists and concat lists
 * (they make ffmpeg open other files or URLs), raw text formats. A name matches any of the demuxer's
 * aliases, e.g. `mp4` matches `mov,mp4,m4a,3gp,3g2,mj2` and `webm` matches `matroska,webm`.
 */
export const ALLOWED_INPUT_FORMATS = [
  'mov',
  'mp4',
  'matroska',
  'webm',
  'avi',
  'mpegts',
  'flv',
  'mpeg',
  'ogg',
  'wav',
  'mp3',
  'aac',
  'flac',
  'asf',
] as const;
