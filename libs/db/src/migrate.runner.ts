import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { buildClientConfig, type ConnectionOptions } from './pool.factory.js';
import { assertSchemaName } from './schema-name.js';

/**
 * Next to this module in the source tree; bundled apps (apps/<app>/dist) find the folder that the
 * Docker images copy to libs/db/migrations under the working directory.
 */
export const MIGRATIONS_DIR = [fileURLToPath(new URL('../migrations', import.meta.url)), path.resolve('libs', 'db', 'migrations')].find((dir) =>
  existsSync(dir),
) ?? fileURLToPath(new URL('../migrations', import.meta.url));

export interface MigrateOptions extends Pick<ConnectionOptions, 'ssl' | 'caCert'> {
  databaseUrl: string;
  /** Target schema, created if missing; the migrations table lives in it too. Default `public`. */
  schema?: string;
  direction?: 'up' | 'down';
  /** How many migrations to apply (default: all pending for up, the last one for down). */
  count?: number;
  migrationsDir?: string;
  log?: (message: string) => void;
}

/**
 * Applies migrations with node-pg-migrate. Concurrent callers (several replicas booting at once)
 * queue on node-pg-migrate's advisory lock instead of failing; whoever comes second finds nothing to do.
 * Returns the names of the migrations that ran.
 */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  const schema = options.schema === undefined ? undefined : assertSchemaName(options.schema);
  const log = options.log ?? (() => undefined);
  const ran = await runner({
    databaseUrl: buildClientConfig({ connectionString: options.databaseUrl, ssl: options.ssl, caCert: options.caCert }),
    dir: options.migrationsDir ?? MIGRATIONS_DIR,
    migrationsTable: 'pgmigrations',
    schema: schema ?? 'public',
    migrationsSchema: schema ?? 'public',
    // CREATE SCHEMA needs the CREATE privilege on the database, so it is only attempted for an explicit schema.
    createSchema: schema !== undefined,
    createMigrationsSchema: schema !== undefined,
    direction: options.direction ?? 'up',
    count: options.count,
    singleTransaction: true,
    checkOrder: true,
    advisoryLockMode: 'wait',
    logger: { info: log, warn: log, error: log },
  });
  return ran.map((migration) => migration.name);
}

/** Migration names present in the folder but not yet applied to the database (for `reelforge doctor`). */
export async function pendingMigrations(options: Omit<MigrateOptions, 'direction' | 'count' | 'log'>): Promise<string[]> {
  const schema = options.schema === undefined ? 'public' : assertSchemaName(options.schema);
  const files = (await readdir(options.migrationsDir ?? MIGRATIONS_DIR))
    .filter((name) => /\.(c|m)?js$/.test(name))
    .map((name) => name.replace(/\.(c|m)?js$/, ''))
    .sort();
  const client = new pg.Client(buildClientConfig({ connectionString: options.databaseUrl, ssl: options.ssl, caCert: options.caCert }));
  await client.connect();
  try {
    const exists = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [`${schema}.pgmigrations`]);
    if (!exists.rows[0]?.present) return files;
    const applied = await client.query<{ name: string }>(`SELECT name FROM ${schema}.pgmigrations`);
    const done = new Set(applied.rows.map((row) => row.name));
    return files.filter((name) => !done.has(name));
  } finally {
    await client.end();
  }
}
