/** Longest original name kept for display, in code points (file systems allow 255 bytes). */
export const MAX_ORIGINAL_NAME_LENGTH = 255;

const FALLBACK_NAME = 'upload';
/** Control characters (NUL breaks Postgres text) and bidi overrides/isolates, which can disguise an extension. */
const UNSAFE_CHARACTERS = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const EXTENSION = /\.[\p{L}\p{N}]{1,10}$/u;
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;

/**
 * The client's file name as it is shown back: NFC, without control or bidi-override characters,
 * lone surrogates replaced, at most 255 code points with the extension kept. It is kept in Postgres
 * only: the storage key has a fixed name (`originalKey`), so this name never reaches a path.
 */
export function cleanOriginalName(raw: string | undefined): string {
  const cleaned = (raw ?? '').replace(LONE_SURROGATE, '\ufffd').normalize('NFC').replace(UNSAFE_CHARACTERS, '').trim();
  const codePoints = [...cleaned];
  if (codePoints.length === 0) return FALLBACK_NAME;
  if (codePoints.length <= MAX_ORIGINAL_NAME_LENGTH) return cleaned;
  const extension = EXTENSION.exec(cleaned)?.[0] ?? '';
  const stem = codePoints.slice(0, MAX_ORIGINAL_NAME_LENGTH - [...extension].length).join('');
  return `${stem}${extension}`;
}

/** The part's declared type when it is a plain `type/subtype`; anything else is recorded as a byte stream. */
export function cleanMimeType(raw: string | undefined): string {
  const mime = (raw ?? '').toLowerCase();
  return MIME_TYPE.test(mime) ? mime : 'application/octet-stream';
}
