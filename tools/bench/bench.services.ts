import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPool, migrate, startEmbeddedPostgres, type EmbeddedPostgres } from '@reelforge/db';
import { startEmbeddedRedis, type EmbeddedRedis } from '@reelforge/queue';
import pg from 'pg';

/** The run's own Postgres cluster, kept between runs under .reelforge/bench-pg (never the machine's). */
export function startBenchPostgres(log: (line: string) => void): Promise<EmbeddedPostgres> {
  log('starting the benchmark Postgres (.reelforge/bench-pg)…');
  return startEmbeddedPostgres({ dataDir: path.resolve('.reelforge', 'bench-pg') });
}

export interface BenchSchema {
  databaseUrl: string;
  schema: string;
  /** Connections with `search_path` set to the schema. */
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A freshly migrated schema of its own for one benchmark, dropped afterwards. */
export async function createBenchSchema(databaseUrl: string, label: string): Promise<BenchSchema> {
  const schema = `bench_${label.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
  await migrate({ databaseUrl, schema });
  const pool = createPool({
    connectionString: databaseUrl,
    schema,
    max: 10,
    onError: (err) => process.stderr.write(`bench pool ${schema}: ${err.message}\n`),
  });
  return {
    databaseUrl,
    schema,
    pool,
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

/**
 * A private redis-server for one benchmark, set up like production (noeviction, append-only file
 * with fsync every second), so BullMQ numbers are not flattered by a memory-only Redis.
 */
export async function startPrivateRedis(): Promise<EmbeddedRedis> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-bench-redis-'));
  const redis = await startEmbeddedRedis({ dataDir, appendOnly: true });
  return {
    ...redis,
    async stop() {
      await redis.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
