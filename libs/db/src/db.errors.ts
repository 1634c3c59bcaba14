import { AppError } from '@reelforge/errors';

/** A list cursor that was not produced by `JobsRepository.list` (garbled, truncated or edited). */
export class InvalidCursorError extends AppError<'invalid_cursor'> {
  constructor(reason: string) {
    super('invalid_cursor', `Invalid pagination cursor: ${reason}`);
  }
}

/** Schema names end up in `search_path` and DDL, so only plain lowercase identifiers are accepted. */
export class InvalidSchemaNameError extends AppError<'invalid_schema_name'> {
  constructor(readonly schema: string) {
    super('invalid_schema_name', `Invalid schema name ${JSON.stringify(schema)}: use 1-63 lowercase letters, digits or _, not starting with a digit`);
  }
}

/** A job was submitted for a file id that has no row in `files`. */
export class UnknownFileError extends AppError<'file_not_found'> {
  constructor(readonly fileId: string) {
    super('file_not_found', `File ${fileId} does not exist`);
  }
}

/** A retry was refused because another job for the same file is already queued or processing. */
export class ActiveJobExistsError extends AppError<'active_job_exists'> {
  constructor(readonly fileId: string) {
    super('active_job_exists', `File ${fileId} already has a queued or processing job`);
  }
}

/** The private Postgres server could not be prepared or started; `message` carries its last log lines. */
export class EmbeddedPostgresError extends AppError<'embedded_postgres_failed'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('embedded_postgres_failed', message, options);
  }
}

/** No API key has this id or display prefix. */
export class ApiKeyNotFoundError extends AppError<'api_key_not_found'> {
  constructor(readonly reference: string) {
    super('api_key_not_found', `No API key has the id or prefix ${JSON.stringify(reference)}`);
  }
}

/** A display prefix matched several keys; the caller must name one by its id. */
export class AmbiguousApiKeyError extends AppError<'api_key_ambiguous'> {
  constructor(
    readonly reference: string,
    readonly ids: readonly string[],
  ) {
    super('api_key_ambiguous', `The prefix ${JSON.stringify(reference)} matches ${ids.length} API keys (${ids.join(', ')}); revoke one by its id`);
  }
}
