export type MediaErrorCode = 'invalid_media' | 'unsupported_input';

/** Base of the errors this library throws for bad input media; `code` is stable, `reason` is for humans. */
export abstract class MediaError extends Error {
  abstract readonly code: MediaErrorCode;

  constructor(readonly reason: string) {
    super(reason);
    this.name = new.target.name;
  }
}

/** The probe output does not describe playable media (no streams, no duration, no picture size...). */
export class InvalidMediaError extends MediaError {
  readonly code = 'invalid_media' as const;
}

/** The media is well formed but is something we deliberately do not transcode (e.g. a still image). */
export class UnsupportedInputError extends MediaError {
  readonly code = 'unsupported_input' as const;
}
