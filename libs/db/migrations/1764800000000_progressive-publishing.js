// Progressive publishing: a job is playable (its master playlist is in storage) before it is completed,
// and a transcode request may choose which webhook events it receives.

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function up(pgm) {
  pgm.sql(`
    -- Set when the running attempt published its master playlist; reset when a new attempt starts.
    ALTER TABLE transcoding_jobs ADD COLUMN playable_at timestamptz;
    -- NULL: the default events (completed, failed, cancelled).
    ALTER TABLE transcoding_jobs ADD COLUMN webhook_events text[];
    -- The latest playable or completed job of a file serves its ladder while a newer one is not playable.
    CREATE INDEX transcoding_jobs_file_served ON transcoding_jobs (file_id, created_at DESC, id DESC)
      WHERE status = 'completed' OR (status = 'processing' AND playable_at IS NOT NULL);

    ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_type_check;
    ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_type_check
      CHECK (event_type IN ('transcode.playable', 'transcode.completed', 'transcode.failed', 'transcode.cancelled'));
  `);
}

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function down(pgm) {
  pgm.sql(`
    DELETE FROM webhook_deliveries WHERE event_type = 'transcode.playable';
    ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_type_check;
    ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_type_check
      CHECK (event_type IN ('transcode.completed', 'transcode.failed', 'transcode.cancelled'));
    DROP INDEX transcoding_jobs_file_served;
    ALTER TABLE transcoding_jobs DROP COLUMN webhook_events;
    ALTER TABLE transcoding_jobs DROP COLUMN playable_at;
  `);
}
