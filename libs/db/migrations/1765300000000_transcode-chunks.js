// Chunked encoding: a long input is encoded as time ranges by any free workers. Each range (and the
// audio, encoded once for the whole input) is a row, so Postgres knows which parts are finished even
// when Redis lost the queue, and a new attempt re-encodes only what did not finish.

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function up(pgm) {
  pgm.sql(`
    CREATE TABLE transcode_chunks (
      job_id text NOT NULL REFERENCES transcoding_jobs (id) ON DELETE CASCADE,
      -- 'audio' rows have idx 0; video ranges are numbered from 0 in play order.
      kind text NOT NULL CHECK (kind IN ('video', 'audio')),
      idx integer NOT NULL CHECK (idx >= 0),
      -- The attempt whose output prefix holds this part's files: older than the job's attempt when a
      -- finished part was kept for a retry.
      attempt integer NOT NULL CHECK (attempt >= 1),
      -- What was planned (ladder, range): a part is reused by a later attempt only when this matches.
      fingerprint text NOT NULL,
      start_s double precision NOT NULL,
      duration_s double precision NOT NULL,
      first_segment integer NOT NULL,
      state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'processing', 'completed')),
      worker_id text,
      runs integer NOT NULL DEFAULT 0,
      progress real NOT NULL DEFAULT 0,
      -- { "<rendition>": [{ "uri", "durationS", "bytes" }] }: the segments already in storage, in order.
      segments jsonb NOT NULL DEFAULT '{}',
      -- Storyboard thumbnails this range stored (video rows).
      thumbnails integer NOT NULL DEFAULT 0,
      -- When the part's latest run started, and when it finished: per-part cost, and which ran when.
      started_at timestamptz,
      completed_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (job_id, kind, idx)
    );
    -- The plan a chunked attempt encodes (ladder, storyboard, audio), written once by the worker that
    -- split it: every worker encoding a part of it reads the same plan.
    ALTER TABLE transcoding_jobs ADD COLUMN chunk_plan jsonb;
  `);
}

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function down(pgm) {
  pgm.sql('DROP TABLE transcode_chunks; ALTER TABLE transcoding_jobs DROP COLUMN chunk_plan;');
}
