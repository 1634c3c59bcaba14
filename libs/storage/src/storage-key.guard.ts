import { InvalidStorageKeyError } from './storage.errors.js';

/** S3's own limit; local file systems accept it too because each segment is a separate name. */
export const MAX_KEY_BYTES = 1024;

/** Suffix of in-flight local writes (`<name>.partial-<16 hex>`); never a valid key, never listed. */
export const PARTIAL_SUFFIX_PATTERN = /\.partial-[0-9a-f]{16}$/;

// C0 controls and DEL: NUL breaks file systems, the rest break S3's XML listings and log lines.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * Throws `InvalidStorageKeyError` unless `key` is a relative POSIX-style key that maps to the same
 * object on every driver and cannot escape the storage root: no leading `/`, no `.`/`..` or empty
 * segments, no backslashes or control characters, at most 1024 UTF-8 bytes.
 */
export function assertSafeKey(key: string): void {
  const reason = keyProblem(key);
  if (reason !== undefined) {
    throw new InvalidStorageKeyError(key, reason);
  }
}

function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'must be a non-empty string';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `must be at most ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith('/')) return 'must be relative (no leading "/")';
  if (key.includes('\\')) return 'must not contain backslashes';
  if (CONTROL_CHARS.test(key)) return 'must not contain control characters';
  for (const segment of key.split('/')) {
    if (segment === '') return 'must not contain empty segments ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return 'must not contain "." or ".." segments';
  }
  if (PARTIAL_SUFFIX_PATTERN.test(key)) return 'must not end like an in-flight write (".partial-<hex>")';
  return undefined;
}

/**
 * Turns a folder-like prefix (`hls/abc` or `hls/abc/`) into the exact string prefix drivers match
 * (`hls/abc/`), so `hls/abc` never matches `hls/abcdef/...`. The empty prefix means the whole store
 * and is allowed only when `allowRoot` is set (listing yes, bulk deletion no).
 */
export function toFolderPrefix(prefix: string, { allowRoot }: { allowRoot: boolean }): string {
  if (prefix === '') {
    if (allowRoot) return '';
    throw new InvalidStorageKeyError(prefix, 'prefix must not be empty here (it would mean the whole store)');
  }
  const folder = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  assertSafeKey(folder);
  return `${folder}/`;
}
