/**
 * Removes what says where things live from a message meant for clients: absolute paths, `file:` and
 * other URLs, host names, IPv4 and IPv6 addresses (with ports). Pure; over-redacting a word that looks
 * like a host (`clip.mov`) is accepted, leaking a bucket endpoint or a server path is not.
 */
export function redactLocations(text: string): string {
  return (
    text
      // file: URLs (with or without //), then URLs of any other scheme, before the paths and hosts inside them.
      .replace(/\bfile:[^\s"'<>]*/gi, '[path]')
      .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]*/gi, '[url]')
      // Windows drive paths and UNC shares.
      .replace(/\b[a-z]:\\[^\s"'<>]*/gi, '[path]')
      .replace(/\\\\[^\s"'<>]+/g, '[path]')
      // POSIX absolute paths: a slash at the start of a word (so 30000/1001 and 1/2 stay).
      .replace(/(^|[\s"'(=,[<])\/[^\s"'<>),\]]*/g, '$1[path]')
      // IPv6: bracketed, or any word holding "::", or eight groups; times like 00:00:06.02 stay.
      .replace(/\[[0-9a-f:.]*:[0-9a-f:.]*\](?::\d+)?/gi, '[host]')
      .replace(/(?<![\w:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4})*::[0-9a-f:.]*(?![\w:])/gi, '[host]')
      .replace(/\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b/gi, '[host]')
      // IPv4 with an optional port.
      .replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '[host]')
      // Host names: labels ending in an alphabetic top-level label, with an optional port.
      .replace(/\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}(?::\d+)?\b(?!\.\w)/gi, (name) => (isFileName(name) ? name : '[host]'))
  );
}

/** File extensions that end a bare file name ("upload.bin", "clip.mov"), which is not a location. */
const FILE_EXTENSIONS = new Set(['bin', 'mov', 'mkv', 'webm', 'avi', 'ts', 'flv', 'mpeg', 'mpg', 'ogg', 'wav', 'flac', 'aac', 'asf', 'wmv', 'm3u', 'jpg', 'jpeg', 'png', 'txt', 'json']);

function isFileName(name: string): boolean {
  const labels = name.split('.');
  return labels.length === 2 && FILE_EXTENSIONS.has(labels[1]!.toLowerCase());
}
