import { outboundUrlRefusal } from '@reelforge/webhooks';
import { z } from 'zod';
import { AppError } from '../http/app.errors.js';
import { cleanOriginalName } from './original-name.sanitizer.js';
import { TranscodeRequestSchema } from './transcode.request.js';

/** The body of POST /api/media/import: a URL, and the transcode request to start once it is imported. */
export const ImportRequestSchema = TranscodeRequestSchema.omit({ fileId: true })
  .extend({
    // Judged by `assertImportableUrl`, so a `file:` or `ftp:` URL gets `import_refused`, not a schema error.
    url: z.string().min(1).max(2048).regex(/^[^\p{Cc}\s]+$/u, 'must not contain spaces or control characters'),
    transcode: z.boolean().optional(),
  })
  .refine((body) => body.transcode === true || (body.ladder === undefined && body.priority === undefined && body.webhookUrl === undefined), {
    message: 'ladder, priority and webhookUrl are transcode options: send them with "transcode": true',
  });
export type ImportRequest = z.infer<typeof ImportRequestSchema>;

/** The URL may not be fetched: not http(s), credentials in it, or a private address (SSRF). */
export class ImportRefusedError extends AppError<'import_refused'> {
  constructor(reason: string) {
    super('import_refused', `Import refused: ${reason}.`);
  }
}

/**
 * The request-time check, with the webhook rules (outboundUrlRefusal); the worker checks again at
 * every redirect and when it connects, where a name may resolve to a private address.
 */
export function assertImportableUrl(raw: string, allowPrivateNetworks: boolean): URL {
  const refusal = outboundUrlRefusal(raw, allowPrivateNetworks);
  if (refusal === undefined) return new URL(raw);
  const hint = refusal.includes('private') ? '; an operator can allow private networks with IMPORT_ALLOW_PRIVATE_NETWORKS=true' : '';
  throw new ImportRefusedError(`${refusal}${hint}`);
}

/** The file's display name: the URL path's last segment, decoded when it can be. */
export function importedName(url: URL): string {
  const segment = url.pathname.split('/').filter(Boolean).at(-1) ?? '';
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // A malformed escape: the raw segment is still a fine name to show.
  }
  return cleanOriginalName(decoded || url.hostname);
}
