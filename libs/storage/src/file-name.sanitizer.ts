export const MAX_FILE_NAME_LENGTH = 100;
const FALLBACK_STEM = 'upload';
const EXTENSION = /^[a-z0-9]{1,10}$/i;

/**
 * Turns a user-supplied file name into one safe key segment: the last path component only (so
 * `../../etc/passwd` becomes `passwd`), accents folded to ASCII, everything else outside
 * `[a-z0-9_]` collapsed to `-`, lower case, at most 100 characters, the extension kept, and
 * `upload` when nothing readable is left. The result always passes `assertSafeKey`.
 */
export function safeFileName(originalName: string): string {
  const base = lastPathComponent(String(originalName ?? ''));
  const folded = base.normalize('NFKD').replace(/\p{M}/gu, '');

  const dot = folded.lastIndexOf('.');
  const candidate = dot > 0 ? folded.slice(dot + 1) : '';
  const extension = EXTENSION.test(candidate) ? candidate.toLowerCase() : '';
  const rawStem = extension ? folded.slice(0, dot) : folded;

  const suffix = extension ? `.${extension}` : '';
  const stem = slug(rawStem).slice(0, MAX_FILE_NAME_LENGTH - suffix.length).replace(/[-_]+$/, '');
  return `${stem || FALLBACK_STEM}${suffix}`;
}

function lastPathComponent(name: string): string {
  const parts = name.split(/[\\/]/).filter((p) => p.trim() !== '');
  return parts.at(-1) ?? '';
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}
