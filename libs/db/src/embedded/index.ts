// Development only (npm start, the demo, tests, benchmarks): a private Postgres. The API and worker never import it.
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from '../embedded-postgres.server.js';
export { DEFAULT_FALLBACK_ROOT, fallbackDataDir, programsCopyDir } from '../embedded-postgres.facts.js';
export { packagedPrograms } from '../embedded-postgres.process.js';
export { EmbeddedPostgresError } from '../db.errors.js';
