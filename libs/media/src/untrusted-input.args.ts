import { ALLOWED_INPUT_FORMATS } from './input-formats.constants.js';

/**
 * How ffmpeg opens a file a client sent: through the `file` protocol only, so a crafted container
 * cannot make it fetch a URL or open another file, and with the accepted demuxers only. The path goes
 * through `file:` so a name starting with `-` or holding a `:` is never read as an option or protocol.
 */
export function untrustedInputArgs(path: string): string[] {
  return ['-protocol_whitelist', 'file', '-format_whitelist', ALLOWED_INPUT_FORMATS.join(','), '-i', `file:${path}`];
}
