// API keys for clients. Only a SHA-256 of each token is stored; the token is shown once at creation.

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function up(pgm) {
  pgm.sql(`
    CREATE TABLE api_keys (
      id           text PRIMARY KEY,
      owner        text NOT NULL CHECK (owner <> ''),
      name         text,
      token_hash   text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
      -- The first characters of the token, to recognise a key in lists and revoke it by them.
      prefix       text NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at   timestamptz
    );
    CREATE INDEX api_keys_prefix ON api_keys (prefix);
    CREATE INDEX api_keys_owner ON api_keys (owner, created_at);
  `);
}

/** @param {import('node-pg-migrate').MigrationBuilder} pgm */
export function down(pgm) {
  pgm.sql('DROP TABLE api_keys;');
}
