// A deleted file keeps its row as a tombstone: its jobs and their job_events (the audit trail) keep
// their foreign keys, while every read path treats the file as gone (FilesRepository.findById).

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function up(pgm) {
  pgm.sql(`
    ALTER TABLE files ADD COLUMN deleted_at timestamptz;
  `);
}

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function down(pgm) {
  pgm.sql(`
    ALTER TABLE files DROP COLUMN deleted_at;
  `);
}
