// One row per webhook event and receiver; updated after every delivery attempt.

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function up(pgm) {
  pgm.sql(`
    CREATE TABLE webhook_deliveries (
      id              text PRIMARY KEY,
      job_id          text NOT NULL REFERENCES transcoding_jobs (id) ON DELETE CASCADE,
      url             text NOT NULL,
      event_type      text NOT NULL CHECK (event_type IN ('transcode.completed', 'transcode.failed', 'transcode.cancelled')),
      -- The id receivers deduplicate on; a second enqueue of the same event finds this row.
      event_id        text NOT NULL UNIQUE,
      -- The exact event body, so a delivery can be inspected or sent again byte for byte.
      payload         jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
      attempt         integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
      status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      response_status integer,
      error           text,
      created_at      timestamptz NOT NULL DEFAULT now(),
      updated_at      timestamptz NOT NULL DEFAULT now(),
      delivered_at    timestamptz
    );
    CREATE INDEX webhook_deliveries_job ON webhook_deliveries (job_id, created_at);
    -- Operators look for what is still in flight or gave up.
    CREATE INDEX webhook_deliveries_open ON webhook_deliveries (status, created_at) WHERE status <> 'delivered';
  `);
}

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function down(pgm) {
  pgm.sql('DROP TABLE webhook_deliveries;');
}
