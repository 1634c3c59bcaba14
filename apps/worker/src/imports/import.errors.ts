import { AppError } from '@reelforge/errors';

export type ImportErrorCode = 'import_refused' | 'import_failed' | 'import_timeout' | 'payload_too_large';

/** Why a URL could not be fetched; recorded on the file (and its waiting job) with this code. */
export class ImportError extends AppError<ImportErrorCode> {
  constructor(code: ImportErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
