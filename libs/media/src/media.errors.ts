import { AppError } from '@reelforge/errors';

export type MediaErrorCode = 'invalid_media' | 'unsupported_input';

/** Base of the errors this library throws for bad input media; `code` is stable, `reason` is for humans. */
export abstract class MediaError extends AppError<MediaErrorCode> {
  constructor(
    code: MediaErrorCode,
    readonly reason: string,
  ) {
    super(code, reason);
  }
}

/** The probe output does not describe playable media (no streams, no duration, no picture size...). */
export class InvalidMediaError extends MediaError {
  constructor(reason: string) {
    super('invalid_media', reason);
  }
}

/** The media is well formed but is something we deliberately do not transcode (e.g. a still image). */
export class UnsupportedInputError extends MediaError {
  constructor(reason: string) {
    super('unsupported_input', reason);
  }
}
