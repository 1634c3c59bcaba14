import { AppError } from '@reelforge/errors';

export type MediaErrorCode = 'invalid_media' | 'unsupported_input' | 'input_too_large';

/** Base of the errors this library throws for bad input media; `code` is stable, `reason` is for humans. */
export abstract class MediaError extends AppError<MediaErrorCode> {
  constructor(
    code: MediaErrorCode,
    readonly reason: string,
    details?: Record<string, unknown>,
  ) {
    super(code, reason, details === undefined ? undefined : { details });
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

/** The media is above one of the operator's input limits (pixels, frame rate, duration, streams). */
export class InputTooLargeError extends MediaError {
  constructor(reason: string, details: Record<string, unknown>) {
    super('input_too_large', reason, details);
  }
}

/** A transcode request's ladder asks for more than the operator allows; `details.breaches` names each field. */
export class LadderOutOfBoundsError extends AppError<'ladder_out_of_bounds'> {
  constructor(reason: string, details: Record<string, unknown>) {
    super('ladder_out_of_bounds', reason, { details });
  }
}
