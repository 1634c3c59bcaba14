import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { InvalidSchemaNameError, migrate, MIGRATIONS_DIR } from '../src/index.js';

const databaseUrl = process.env.REELFORGE_TEST_DATABASE_URL!;
const schemas: string[] = [];
const admin = new pg.Client({ connectionString: databaseUrl });
/** Every migration in the folder, in the order they run. */
const ALL_MIGRATIONS = readdirSync(MIGRATIONS_DIR)
  .filter((name) => name.endsWith('.js'))
  .map((name) => name.replace(/\.js$/, ''))
  .sort();
const ALL_TABLES = ['api_keys', 'direct_uploads', 'files', 'job_events', 'pgmigrations', 'transcode_chunks', 'transcoding_jobs', 'webhook_deliveries', 'webhook_delivery_attempts', 'webhook_secrets'];

const newSchema = (): string => {
  const schema = `test_migrate_${randomBytes(5).toString('hex')}`;
  schemas.push(schema);
  return schema;
};

const tablesIn = async (schema: string): Promise<string[]> => {
  const { rows } = await admin.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [schema],
  );
  return rows.map((r) => r.table_name);
};

beforeAll(async () => {
  await admin.connect();
});

afterAll(async () => {
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

describe('migrate', () => {
  it('when run on a new schema, then it creates the schema, the tables and its migrations table there', async () => {
    const schema = newSchema();
    const ran = await migrate({ databaseUrl, schema });
    expect(ran).toEqual(ALL_MIGRATIONS);
    expect(ran[0]).toBe('1764100000000_initial-schema');
    expect(await tablesIn(schema)).toEqual(ALL_TABLES);
  });

  it('when run twice, then the second run is a no-op', async () => {
    const schema = newSchema();
    await migrate({ databaseUrl, schema });
    expect(await migrate({ databaseUrl, schema })).toEqual([]);
    const { rows } = await admin.query(`SELECT name FROM ${schema}.pgmigrations`);
    expect(rows).toHaveLength(ALL_MIGRATIONS.length);
  });

  it('when two processes migrate the same schema at once, then both succeed and it is migrated once', async () => {
    const schema = newSchema();
    const results = await Promise.all([migrate({ databaseUrl, schema }), migrate({ databaseUrl, schema })]);
    expect(results.map((r) => r.length).sort()).toEqual([0, ALL_MIGRATIONS.length]);
    expect(await tablesIn(schema)).toEqual(ALL_TABLES);
  });

  it('when migrated down and up again, then the tables are dropped and recreated', async () => {
    const schema = newSchema();
    await migrate({ databaseUrl, schema });
    expect(await migrate({ databaseUrl, schema, direction: 'down', count: Infinity })).toEqual([...ALL_MIGRATIONS].reverse());
    expect(await tablesIn(schema)).toEqual(['pgmigrations']);
    expect(await migrate({ databaseUrl, schema, direction: 'up' })).toHaveLength(ALL_MIGRATIONS.length);
    expect(await tablesIn(schema)).toEqual(ALL_TABLES);
  });

  it('when a log function is given, then it receives the runner messages', async () => {
    const lines: string[] = [];
    await migrate({ databaseUrl, schema: newSchema(), log: (line) => lines.push(line) });
    expect(lines.join('\n')).toContain('1764100000000_initial-schema');
  });

  it('when the schema name is not a plain identifier, then it is refused before touching the database', async () => {
    await expect(migrate({ databaseUrl, schema: 'x"; DROP TABLE files; --' })).rejects.toBeInstanceOf(InvalidSchemaNameError);
  });
});
