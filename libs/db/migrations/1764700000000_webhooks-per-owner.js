// Webhooks per owner: each owner's own signing secrets (sealed with the operator's WEBHOOK_SECRETS_KEY,
// several active while a rotation overlaps), the owner on every delivery (for the owner-scoped delivery
// log), a redelivery count (part of the queue job id, so a redelivery is never mistaken for the
// original), and one row per attempt.

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function up(pgm) {
  pgm.sql(`
    CREATE TABLE webhook_secrets (
      id                text PRIMARY KEY,
      owner             text NOT NULL CHECK (owner <> ''),
      -- The id of the operator key that sealed it (also inside the ciphertext), to re-seal after a key change.
      key_id            text NOT NULL,
      -- AES-256-GCM: v1.<key id>.<iv>.<tag>.<ciphertext>; the plaintext is shown once, when it is made.
      secret_ciphertext text NOT NULL CHECK (secret_ciphertext LIKE 'v1.%'),
      created_at        timestamptz NOT NULL DEFAULT now(),
      -- Set when a newer secret replaces it: it still signs until then (the rotation overlap). NULL: no end.
      expires_at        timestamptz
    );
    CREATE INDEX webhook_secrets_owner ON webhook_secrets (owner, created_at DESC);

    ALTER TABLE webhook_deliveries ADD COLUMN owner text;
    UPDATE webhook_deliveries d SET owner = j.owner FROM transcoding_jobs j WHERE j.id = d.job_id;
    ALTER TABLE webhook_deliveries
      ALTER COLUMN owner SET NOT NULL,
      ADD CONSTRAINT webhook_deliveries_owner_not_empty CHECK (owner <> ''),
      ADD COLUMN redelivery integer NOT NULL DEFAULT 0 CHECK (redelivery >= 0);
    CREATE INDEX webhook_deliveries_owner_created ON webhook_deliveries (owner, created_at DESC, id DESC);
    CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at DESC, id DESC);

    CREATE TABLE webhook_delivery_attempts (
      delivery_id     text NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
      attempt         integer NOT NULL CHECK (attempt > 0),
      at              timestamptz NOT NULL DEFAULT now(),
      outcome         text NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
      response_status integer,
      error           text,
      PRIMARY KEY (delivery_id, attempt)
    );
  `);
}

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function down(pgm) {
  pgm.sql(`
    DROP TABLE webhook_delivery_attempts;
    DROP INDEX webhook_deliveries_created;
    DROP INDEX webhook_deliveries_owner_created;
    ALTER TABLE webhook_deliveries DROP COLUMN redelivery, DROP CONSTRAINT webhook_deliveries_owner_not_empty, DROP COLUMN owner;
    DROP TABLE webhook_secrets;
  `);
}
