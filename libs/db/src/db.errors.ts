/** A list cursor that was not produced by `JobsRepository.list` (garbled, truncated or edited). */
export class InvalidCursorError extends Error {
  readonly code = 'invalid_cursor';

  constructor(reason: string) {
    super(`Invalid pagination cursor: ${reason}`);
    this.name = 'InvalidCursorError';
  }
}

/** Schema names end up in `search_path` and DDL, so only plain lowercase identifiers are accepted. */
export class InvalidSchemaNameError extends Error {
  readonly code = 'invalid_schema_name';

  constructor(readonly schema: string) {
    super(`Invalid schema name ${JSON.stringify(schema)}: use 1-63 lowercase letters, digits or _, not starting with a digit`);
    this.name = 'InvalidSchemaNameError';
  }
}

/** A job was submitted for a file id that has no row in `files`. */
export class UnknownFileError extends Error {
  readonly code = 'file_not_found';

  constructor(readonly fileId: string) {
    super(`File ${fileId} does not exist`);
    this.name = 'UnknownFileError';
  }
}

/** A retry was refused because another job for the same file is already queued or processing. */
export class ActiveJobExistsError extends Error {
  readonly code = 'active_job_exists';

  constructor(readonly fileId: string) {
    super(`File ${fileId} already has a queued or processing job`);
    this.name = 'ActiveJobExistsError';
  }
}

/** The private Postgres server could not be prepared or started; `message` carries its last log lines. */
export class EmbeddedPostgresError extends Error {
  readonly code = 'embedded_postgres_failed';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

/** No API key has this id or display prefix. */
export class ApiKeyNotFoundError extends Error {
  readonly code = 'api_key_not_found';

  constructor(readonly reference: string) {
    super(`No API key has the id or prefix ${JSON.stringify(reference)}`);
    this.name = 'ApiKeyNotFoundError';
  }
}

/** A display prefix matched several keys; the caller must name one by its id. */
export class AmbiguousApiKeyError extends Error {
  readonly code = 'api_key_ambiguous';

  constructor(
    readonly reference: string,
    readonly ids: readonly string[],
  ) {
    super(`The prefix ${JSON.stringify(reference)} matches ${ids.length} API keys (${ids.join(', ')}); revoke one by its id`);
    this.name = 'AmbiguousApiKeyError';
  }
}
