// A direct-to-bucket upload: the client PUTs its parts to presigned URLs, so the only trace of it on
// our side is this row, from creation until it is completed, aborted or expired (then the row goes).
// Its file row exists from the start in state `uploading`, so ownership and status work as for imports.

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function up(pgm) {
  pgm.sql(`
    CREATE TABLE direct_uploads (
      file_id text PRIMARY KEY REFERENCES files (id) ON DELETE CASCADE,
      upload_id text NOT NULL,
      declared_bytes bigint NOT NULL CHECK (declared_bytes > 0),
      part_size bigint NOT NULL CHECK (part_size > 0),
      part_count integer NOT NULL CHECK (part_count > 0),
      expires_at timestamptz NOT NULL,
      -- Set while one request completes or aborts it, so a second one cannot act at the same time.
      claimed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX direct_uploads_expires_at_idx ON direct_uploads (expires_at);
  `);
}

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function down(pgm) {
  pgm.sql('DROP TABLE direct_uploads;');
}
