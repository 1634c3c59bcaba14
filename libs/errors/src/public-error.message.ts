import { redactLocations } from './location.redactor.js';

/**
 * What clients and webhook receivers read for each error code a job or a request can end with. The
 * raw text (paths, hosts, bucket names, stderr) stays in logs and job_events for operators.
 */
const FIXED_MESSAGES: Readonly<Record<string, string>> = {
  invalid_media: 'The file is not usable video or audio.',
  unsupported_input: 'The file is media that Reelforge does not transcode.',
  ffmpeg_failed: 'Encoding failed.',
  ffmpeg_missing: 'No encoder was available; the error has been logged.',
  probe_timeout: 'Reading the file took too long; try again later.',
  storage_unavailable: 'Storage was unavailable; the error has been logged.',
  storage_not_found: 'The stored object does not exist.',
  source_missing: 'The uploaded file is no longer in storage.',
  invalid_job: 'The job could not be read; the error has been logged.',
  attempts_exhausted: 'The job was stopped after its workers failed repeatedly; the error has been logged.',
  cancelled: 'The job was cancelled.',
  internal_error: 'Something went wrong on our side; the error has been logged.',
};

/** Bad media: the fixed message is followed by the decoder's (or sniff's) reason, with locations removed. */
const WITH_REASON = new Set(['invalid_media', 'unsupported_input', 'ffmpeg_failed']);
/** Messages Reelforge writes itself from numbers it measured (limits), shown as they are, still redacted. */
const OWN_TEXT = new Set(['input_too_large', 'job_timeout', 'import_refused', 'import_failed', 'import_timeout', 'payload_too_large', 'upload_expired']);

const FALLBACK = 'The transcode failed; the error has been logged.';
const MAX_REASON = 500;

/** Codes whose raw message is replaced or filtered by `publicErrorMessage` before a client sees it. */
export const PUBLIC_MESSAGE_CODES: ReadonlySet<string> = new Set([...Object.keys(FIXED_MESSAGES), ...OWN_TEXT]);

/** Pure: the message a client or webhook receiver is shown for an error `code` whose raw text is `raw`. */
export function publicErrorMessage(code: string, raw: string | null): string {
  const text = redactLocations(raw ?? '').trim();
  if (OWN_TEXT.has(code)) return text;
  const fixed = FIXED_MESSAGES[code] ?? FALLBACK;
  if (!WITH_REASON.has(code) || text === '') return fixed;
  const reason = text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}…` : text;
  return `${fixed} Reason: ${reason}`;
}
