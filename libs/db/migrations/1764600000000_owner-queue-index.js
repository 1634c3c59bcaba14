// Fair use per owner: every submit counts the owner's queued jobs and ranks the new one among them
// (JobAdmission, JobsRepository.queuedRank), and the usage report groups jobs by owner and status.

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function up(pgm) {
  pgm.sql(`CREATE INDEX transcoding_jobs_owner_status_queued ON transcoding_jobs (owner, status, queued_at, id);`);
}

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function down(pgm) {
  pgm.sql(`DROP INDEX transcoding_jobs_owner_status_queued;`);
}
