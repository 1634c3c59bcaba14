import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { buildClientConfig, createPool, InvalidSchemaNameError } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'test_pool' });
});

afterAll(async () => {
  await db.drop();
});

describe('createPool', () => {
  it('when a schema is given, then every connection uses it as search_path', async () => {
    const clients = await Promise.all([db.pool.connect(), db.pool.connect()]);
    try {
      for (const client of clients) {
        const { rows } = await client.query<{ search_path: string }>('SHOW search_path');
        expect(rows[0]!.search_path).toBe(db.schema);
        await expect(client.query('SELECT count(*) FROM transcoding_jobs')).resolves.toBeDefined();
      }
    } finally {
      for (const client of clients) client.release();
    }
  });

  it('when an idle connection is killed by the server, then onError receives it and the pool keeps working', async () => {
    const errors: Error[] = [];
    let reportError!: () => void;
    const reported = new Promise<void>((resolve) => {
      reportError = resolve;
    });
    const pool = createPool({
      connectionString: db.databaseUrl,
      schema: db.schema,
      max: 1,
      onError: (error) => {
        errors.push(error);
        reportError();
      },
    });
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      client.release();
      await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await reported;
      expect(errors).toHaveLength(1);
      const again = await pool.query<{ one: number }>('SELECT 1 AS one');
      expect(again.rows[0]!.one).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('when the schema name is unsafe, then it is refused', () => {
    expect(() => createPool({ connectionString: db.databaseUrl, schema: 'Robert); --', onError: () => undefined })).toThrow(
      InvalidSchemaNameError,
    );
  });
});

describe('buildClientConfig', () => {
  const url = 'postgres://app:secret@db.example.com:25060/app?sslmode=require&application_name=api';

  it('when no TLS option is given, then the URL is passed through untouched', () => {
    expect(buildClientConfig({ connectionString: url })).toEqual({ connectionString: url });
  });

  it('when a CA certificate is given, then TLS is verified against it and sslmode no longer overrides it', () => {
    const config = buildClientConfig({ connectionString: url, caCert: '-----BEGIN CERTIFICATE-----' });
    expect(config.ssl).toEqual({ ca: '-----BEGIN CERTIFICATE-----', rejectUnauthorized: true });
    expect(config.connectionString).toBe('postgres://app:secret@db.example.com:25060/app?application_name=api');
    // What pg will actually use after merging the URL:
    const params = new pg.Client(config) as unknown as { connectionParameters: { ssl: unknown } };
    expect(params.connectionParameters.ssl).toEqual({ ca: '-----BEGIN CERTIFICATE-----', rejectUnauthorized: true });
  });

  it('when ssl is false, then TLS is off whatever the URL says', () => {
    expect(buildClientConfig({ connectionString: url, ssl: false }).ssl).toBe(false);
  });

  it('when a schema is given, then it becomes the search_path startup option', () => {
    expect(buildClientConfig({ connectionString: url, schema: 'tenant_a' }).options).toBe('-c search_path=tenant_a');
  });
});

describe('createPool connection timeout', () => {
  it('when the server accepts TCP but never answers, then a query fails within the timeout instead of hanging', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const { port } = silent.address() as net.AddressInfo;
    const pool = createPool({ connectionString: `postgres://nobody@127.0.0.1:${port}/x`, connectionTimeoutMs: 300, onError: () => undefined });
    try {
      // The server never answers, so without the timeout this would hang until the test's own limit;
      // a timeout error is the bound at work (no stopwatch: how fast depends on the machine's load).
      await expect(pool.query('SELECT 1')).rejects.toThrow(/timeout/i);
    } finally {
      await pool.end();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
