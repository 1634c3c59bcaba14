export { createPool, buildClientConfig, type ConnectionOptions, type CreatePoolOptions } from './pool.factory.js';
export { migrate, MIGRATIONS_DIR, pendingMigrations, type MigrateOptions } from './migrate.runner.js';
export { assertSchemaName } from './schema-name.js';
export { toQueryFn, type QueryFn, type Queryable } from './queryable.js';
export {
  ACTIVE_JOB_STATUSES,
  JOB_STATUSES,
  allowedFrom,
  canTransition,
  isTerminalStatus,
  type JobStatus,
} from './job-state.machine.js';
export { JobSchema, JobStatusSchema, RenditionRecordSchema, type Job, type RenditionRecord } from './job.record.js';
export { isPlayable, JobViewSchema, toJobView, type JobView } from './job.view.js';
export { parseTranscodeBullJobId, transcodeBullJobId } from './bullmq-job-id.js';
export { FileRecordSchema, type FileRecord } from './file.record.js';
export { JobEventSchema, type JobEvent } from './job-event.record.js';
export { FilesRepository, type NewFile } from './files.repository.js';
export { DirectUploadsRepository, type DirectUpload, type NewDirectUpload } from './direct-uploads.repository.js';
export { JobsRepository, type CreateJobResult, type JobPage, type ListJobsOptions, type NewJob } from './jobs.repository.js';
export { JobEventsRepository } from './job-events.repository.js';
export { ChunkSchema, StoredSegmentSchema, type Chunk, type ChunkKind, type StoredSegment } from './chunk.record.js';
export { ChunksRepository, type ChunkKey, type PlannedChunk } from './chunks.repository.js';
export { OwnerUsageSchema, UsageRepository, type OwnerUsage } from './usage.repository.js';
export { JobAdmission, type AdmittedCreate, type AdmittedRequeue, type OwnerQueueLimit } from './job-admission.js';
export {
  DEFAULT_WEBHOOK_EVENTS,
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_EVENT_TYPES,
  WebhookDeliverySchema,
  WebhookDeliveryStatusSchema,
  WebhookDeliveryAttemptSchema,
  WebhookEventTypeSchema,
  type WebhookDelivery,
  type WebhookDeliveryAttempt,
  type WebhookDeliveryStatus,
  type WebhookEventType,
} from './webhook-delivery.record.js';
export {
  WebhookDeliveriesRepository,
  type DeliveryAttempt,
  type ListDeliveriesOptions,
  type NewWebhookDelivery,
  type WebhookDeliveryLogEntry,
  type WebhookDeliveryPage,
} from './webhook-deliveries.repository.js';
export { WebhookSecretsRepository, type NewWebhookSecret, type WebhookSecretRecord } from './webhook-secrets.repository.js';
export { ADMIN_OWNER, isOwnerName, isReservedOwner } from './owner.js';
export { ApiKeySchema, type ApiKey } from './api-key.record.js';
export { ApiKeysRepository, type NewApiKey } from './api-keys.repository.js';
export { API_KEY_DISPLAY_CHARS, API_KEY_TOKEN_PREFIX, createApiKeyToken, hashApiKeyToken, type NewApiKeyToken } from './api-key.token.js';
export { createProgressWriter, type ProgressSample, type ProgressWriter, type ProgressWriterOptions } from './progress.throttle.js';
export {
  ActiveJobExistsError,
  AmbiguousApiKeyError,
  ApiKeyNotFoundError,
  InvalidCursorError,
  InvalidSchemaNameError,
  UnknownFileError,
} from './db.errors.js';
