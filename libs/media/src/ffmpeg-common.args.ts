/** Quiet except for errors; never prompt or read stdin (a stray byte on stdin would otherwise be taken as a command). */
export const COMMON_FFMPEG_ARGS: readonly string[] = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'];
