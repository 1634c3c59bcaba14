// Files imported from a URL exist from the request on: the row records where the file is on its way
// to being usable, and why it failed. Every file written before this migration was stored and sniffed
// before its row existed, hence the default.

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function up(pgm) {
  pgm.sql(`
    ALTER TABLE files
      ADD COLUMN state text NOT NULL DEFAULT 'ready' CHECK (state IN ('importing', 'uploading', 'ready', 'failed')),
      ADD COLUMN error_code text,
      ADD COLUMN error_message text,
      ADD COLUMN source_url text;
  `);
}

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function down(pgm) {
  pgm.sql(`
    ALTER TABLE files DROP COLUMN state, DROP COLUMN error_code, DROP COLUMN error_message, DROP COLUMN source_url;
  `);
}
