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
export { FileRecordSchema, type FileRecord } from './file.record.js';
export { JobEventSchema, type JobEvent } from './job-event.record.js';
export { FilesRepository, type MediaFacts, type NewFile } from './files.repository.js';
export { JobsRepository, type CreateJobResult, type JobPage, type ListJobsOptions, type NewJob } from './jobs.repository.js';
export { JobEventsRepository } from './job-events.repository.js';
export { createProgressWriter, type ProgressSample, type ProgressWriter, type ProgressWriterOptions } from './progress.throttle.js';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres.server.js';
export {
  ActiveJobExistsError,
  EmbeddedPostgresError,
  InvalidCursorError,
  InvalidSchemaNameError,
  UnknownFileError,
} from './db.errors.js';
