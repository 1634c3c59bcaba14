/**
 * Every stable error code, whichever layer raises it. The API's error middleware maps each one to an
 * HTTP status in a `Record<ErrorCode, number>`, so a new code does not compile until it has a status.
 */
export type ErrorCode =
  // HTTP layer (apps/api)
  | 'invalid_request' | 'invalid_json' | 'invalid_multipart' | 'invalid_http' | 'missing_file' | 'request_aborted'
  | 'request_timeout' | 'header_fields_too_large' | 'unauthorized' | 'route_not_found' | 'method_not_allowed'
  | 'metrics_disabled' | 'payload_too_large' | 'unsupported_media_type' | 'service_unavailable' | 'job_not_found'
  | 'job_not_retryable' | 'job_not_cancellable' | 'idempotency_key_reused' | 'internal_error'
  // resumable (tus) uploads, apps/api
  | 'invalid_tus_request' | 'upload_not_found' | 'upload_expired' | 'upload_offset_mismatch' | 'tus_version_required'
  | 'tus_extension_unsupported'
  // direct-to-bucket uploads, apps/api and libs/storage
  | 'direct_upload_unavailable' | 'upload_not_open' | 'invalid_upload_parts'
  | 'owner_quota_exceeded' | 'too_many_streams' | 'upload_deadline_exceeded'
  // imports from a URL, apps/api and apps/worker
  | 'import_refused' | 'import_failed' | 'import_timeout' | 'file_not_ready'
  // libs/media and libs/ffmpeg
  | 'invalid_media' | 'unsupported_input' | 'input_too_large' | 'ladder_out_of_bounds' | 'probe_timeout' | 'ffmpeg_missing' | 'ffmpeg_failed' | 'cancelled'
  // apps/worker
  | 'job_timeout'
  // libs/storage
  | 'storage_unavailable' | 'storage_not_found' | 'invalid_storage_key' | 'storage_range_not_satisfiable'
  // libs/db
  | 'invalid_cursor' | 'invalid_schema_name' | 'file_not_found' | 'active_job_exists' | 'embedded_postgres_failed'
  | 'api_key_not_found' | 'api_key_ambiguous'
  // libs/webhooks, libs/config, embedded Redis
  | 'webhook_url_not_allowed' | 'webhook_secret_missing' | 'webhook_delivery_failed' | 'invalid_config' | 'redis_missing'
  | 'webhook_secret_key_invalid' | 'webhook_delivery_not_found' | 'webhook_delivery_pending';

/** Base of every error with a stable `code`. No HTTP status here: only the API's error middleware knows those. */
export class AppError<Code extends ErrorCode = ErrorCode> extends Error {
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly code: Code,
    message: string,
    options?: ErrorOptions & { details?: Record<string, unknown> },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.details = options?.details;
  }
}
