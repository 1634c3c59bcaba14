import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { InvalidSchemaNameError, migrate } from '../src/index.js';

const databaseUrl = process.env.REELFORGE_TEST_DATABASE_URL!;
const schemas: string[] = [];
const admin = new pg.Client({ connectionString: databaseUrl });

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
    expect(ran).toEqual(['1764100000000_initial-schema']);
    expect(await tablesIn(schema)).toEqual(['files', 'job_events', 'pgmigrations', 'transcoding_jobs']);
  });

  it('when run twice, then the second run is a no-op', async () => {
    const schema = newSchema();
    await migrate({ databaseUrl, schema });
    expect(await migrate({ databaseUrl, schema })).toEqual([]);
    const { rows } = await admin.query(`SELECT name FROM ${schema}.pgmigrations`);
    expect(rows).toHaveLength(1);
  });

  it('when two processes migrate the same schema at once, then both succeed and it is migrated once', async () => {
    const schema = newSchema();
    const results = await Promise.all([migrate({ databaseUrl, schema }), migrate({ databaseUrl, schema })]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 1]);
    expect(await tablesIn(schema)).toEqual(['files', 'job_events', 'pgmigrations', 'transcoding_jobs']);
  });

  it('when migrated down and up again, then the tables are dropped and recreated', async () => {
    const schema = newSchema();
    await migrate({ databaseUrl, schema });
    expect(await migrate({ databaseUrl, schema, direction: 'down' })).toEqual(['1764100000000_initial-schema']);
    expect(await tablesIn(schema)).toEqual(['pgmigrations']);
    expect(await migrate({ databaseUrl, schema, direction: 'up' })).toHaveLength(1);
    expect(await tablesIn(schema)).toEqual(['files', 'job_events', 'pgmigrations', 'transcoding_jobs']);
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
