import path from 'node:path';
import type { Config } from '@reelforge/config';
import { createPool, migrate, type Queryable } from '@reelforge/db';
import { startEmbeddedPostgres } from '@reelforge/db/embedded';
import { CliConfigError, UnavailableError } from './exit.codes.js';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET']);
/** invalid_authorization_specification, invalid_password, invalid_catalog_name (no such database). */
const REFUSED = new Set(['28000', '28P01', '3D000']);

/**
 * Runs `work` against DATABASE_URL. Without it (development), against the embedded Postgres of
 * `npm start` in .reelforge/pg: adopted when running, else started (and migrated) for the command.
 */
export async function withDatabase<T>(config: Config, work: (db: Queryable) => Promise<T>): Promise<T> {
  let databaseUrl = config.database.url;
  let stopEmbedded: (() => Promise<void>) | undefined;
  try {
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres({ dataDir: path.join(config.embeddedDir, 'pg') });
      stopEmbedded = () => embedded.stop();
      databaseUrl = embedded.databaseUrl;
      await migrate({ databaseUrl, schema: config.database.schema });
    }
    const pool = createPool({ connectionString: databaseUrl, caCert: config.database.caCert, schema: config.database.schema, max: 2, onError: () => undefined });
    try {
      return await work(pool);
    } finally {
      await pool.end();
    }
  } catch (err) {
    throw explain(err);
  } finally {
    await stopEmbedded?.();
  }
}

function explain(err: unknown): unknown {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return err;
  if (code === '42P01') return new CliConfigError('The database has no api_keys table yet: run `reelforge migrate` against it first.');
  if (UNREACHABLE.has(code)) return new UnavailableError(`Cannot reach the database (DATABASE_URL): ${(err as Error).message}`);
  if (REFUSED.has(code)) return new UnavailableError(`The database refused the connection (DATABASE_URL): ${(err as Error).message}`);
  return err;
}
