import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../migrate.runner.js';
import { createPool } from '../pool.factory.js';

export interface TestDatabase {
  /** Pool whose connections use `schema` as search_path. */
  pool: pg.Pool;
  schema: string;
  /** The server URL (without the schema); pair it with `schema` for createPool/migrate. */
  databaseUrl: string;
  /** Closes the pool and drops the schema. */
  drop(): Promise<void>;
}

/** A freshly migrated, uniquely named schema on REELFORGE_TEST_DATABASE_URL, so test files can run in parallel. */
export async function createTestDatabase(options: { prefix?: string } = {}): Promise<TestDatabase> {
  const databaseUrl = process.env.REELFORGE_TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('REELFORGE_TEST_DATABASE_URL is not set (the Jest global setup provides it)');
  return createIsolatedSchema({ databaseUrl, prefix: options.prefix ?? 'test' });
}

/** A freshly migrated schema with a unique name on `databaseUrl` (tests, benchmarks), dropped by `drop()`. */
export async function createIsolatedSchema(options: { databaseUrl: string; prefix: string; poolMax?: number }): Promise<TestDatabase> {
  const { databaseUrl } = options;
  const schema = `${options.prefix.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(6).toString('hex')}`;
  await migrate({ databaseUrl, schema });
  const pool = createPool({
    connectionString: databaseUrl,
    schema,
    max: options.poolMax ?? 5,
    onError: (error) => process.stderr.write(`pool ${schema}: ${error.message}\n`),
  });
  return {
    pool,
    schema,
    databaseUrl,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
