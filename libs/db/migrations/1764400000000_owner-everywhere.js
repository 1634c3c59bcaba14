// Every file and job has an owner. Rows made with an API_TOKENS token (owner NULL until now) belong to
// the reserved owner '@admin' (see libs/db/src/owner.ts), so no key can mistake them for unowned.

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function up(pgm) {
  pgm.sql(`
    UPDATE files SET owner = '@admin' WHERE owner IS NULL;
    UPDATE transcoding_jobs SET owner = '@admin' WHERE owner IS NULL;
    ALTER TABLE files ALTER COLUMN owner SET NOT NULL, ADD CONSTRAINT files_owner_not_empty CHECK (owner <> '');
    ALTER TABLE transcoding_jobs ALTER COLUMN owner SET NOT NULL, ADD CONSTRAINT transcoding_jobs_owner_not_empty CHECK (owner <> '');
    DROP INDEX transcoding_jobs_idempotency_key;
    CREATE UNIQUE INDEX transcoding_jobs_idempotency_key ON transcoding_jobs (owner, idempotency_key) WHERE idempotency_key IS NOT NULL;
    CREATE INDEX files_owner_created ON files (owner, created_at DESC, id DESC);
  `);
}

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function down(pgm) {
  pgm.sql(`
    DROP INDEX files_owner_created;
    DROP INDEX transcoding_jobs_idempotency_key;
    CREATE UNIQUE INDEX transcoding_jobs_idempotency_key ON transcoding_jobs (COALESCE(owner, ''), idempotency_key) WHERE idempotency_key IS NOT NULL;
    ALTER TABLE transcoding_jobs DROP CONSTRAINT transcoding_jobs_owner_not_empty, ALTER COLUMN owner DROP NOT NULL;
    ALTER TABLE files DROP CONSTRAINT files_owner_not_empty, ALTER COLUMN owner DROP NOT NULL;
    UPDATE transcoding_jobs SET owner = NULL WHERE owner = '@admin';
    UPDATE files SET owner = NULL WHERE owner = '@admin';
  `);
}
