// Plain ESM JavaScript so node-pg-migrate loads it under plain Node and from the production bundle alike.
// node-pg-migrate sets search_path to the target schema, so objects are created unqualified.

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function up(pgm) {
  pgm.sql(`
    CREATE TABLE files (
      id            text PRIMARY KEY,
      original_name text NOT NULL,
      mime          text,
      size_bytes    bigint NOT NULL CHECK (size_bytes >= 0),
      storage_key   text NOT NULL UNIQUE,
      duration_s    double precision CHECK (duration_s >= 0),
      width         integer CHECK (width > 0),
      height        integer CHECK (height > 0),
      sha256        text,
      owner         text,
      created_at    timestamptz NOT NULL DEFAULT now(),
      updated_at    timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE transcoding_jobs (
      id              text PRIMARY KEY,
      file_id         text NOT NULL REFERENCES files (id) ON DELETE CASCADE,
      status          text NOT NULL CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'cancelled')),
      progress        real NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
      stage           text,
      attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      error_code      text,
      error_message   text,
      output_prefix   text,
      renditions      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(renditions) = 'array'),
      ladder          jsonb,
      priority        integer,
      webhook_url     text,
      owner           text,
      idempotency_key text,
      bullmq_job_id   text,
      worker_id       text,
      queued_at       timestamptz NOT NULL DEFAULT now(),
      started_at      timestamptz,
      finished_at     timestamptz,
      updated_at      timestamptz NOT NULL DEFAULT now(),
      created_at      timestamptz NOT NULL DEFAULT now()
    );

    -- Two concurrent submits for one file cannot both create an active job.
    CREATE UNIQUE INDEX transcoding_jobs_one_active_per_file
      ON transcoding_jobs (file_id) WHERE status IN ('queued', 'processing');
    -- COALESCE so that jobs without an owner share one key space (NULLs never collide in a unique index).
    CREATE UNIQUE INDEX transcoding_jobs_idempotency_key
      ON transcoding_jobs (COALESCE(owner, ''), idempotency_key) WHERE idempotency_key IS NOT NULL;
    -- Keyset pagination over (created_at, id), newest first, optionally filtered.
    CREATE INDEX transcoding_jobs_created ON transcoding_jobs (created_at DESC, id DESC);
    CREATE INDEX transcoding_jobs_status_created ON transcoding_jobs (status, created_at DESC, id DESC);
    CREATE INDEX transcoding_jobs_owner_created ON transcoding_jobs (owner, created_at DESC, id DESC);
    -- Latest job of a file; also serves the ON DELETE CASCADE from files.
    CREATE INDEX transcoding_jobs_file_created ON transcoding_jobs (file_id, created_at DESC, id DESC);

    CREATE TABLE job_events (
      id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      job_id text NOT NULL REFERENCES transcoding_jobs (id) ON DELETE CASCADE,
      at     timestamptz NOT NULL DEFAULT now(),
      kind   text NOT NULL,
      data   jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data) = 'object')
    );
    CREATE INDEX job_events_job ON job_events (job_id, id);

    -- The audit trail is append-only. A row may only disappear together with its job: the cascade
    -- deletes the job first, so the parent is gone by the time this trigger sees the event row.
    -- TRUNCATE stays possible for an operator on purpose.
    CREATE FUNCTION job_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      job_exists boolean;
    BEGIN
      IF TG_OP = 'DELETE' THEN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.transcoding_jobs WHERE id = $1)', TG_TABLE_SCHEMA)
          INTO job_exists USING OLD.job_id;
        IF NOT job_exists THEN
          RETURN OLD;
        END IF;
      END IF;
      RAISE EXCEPTION 'job_events is append-only: % refused', TG_OP USING ERRCODE = 'integrity_constraint_violation';
    END
    $fn$;

    CREATE TRIGGER job_events_append_only
      BEFORE UPDATE OR DELETE ON job_events
      FOR EACH ROW EXECUTE FUNCTION job_events_append_only();
  `);
}

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function down(pgm) {
  pgm.sql(`
    DROP TABLE job_events;
    DROP FUNCTION job_events_append_only();
    DROP TABLE transcoding_jobs;
    DROP TABLE files;
  `);
}
