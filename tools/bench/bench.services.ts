import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@reelforge/db/embedded';
import { createIsolatedSchema, type TestDatabase } from '@reelforge/db/testing';
import { startEmbeddedRedis, type EmbeddedRedis } from '@reelforge/queue/embedded';

/** The run's own Postgres cluster, kept between runs under .reelforge/bench-pg (never the machine's). */
export function startBenchPostgres(log: (line: string) => void): Promise<EmbeddedPostgres> {
  log('starting the benchmark Postgres (.reelforge/bench-pg)…');
  return startEmbeddedPostgres({ dataDir: path.resolve('.reelforge', 'bench-pg') });
}

export type BenchSchema = TestDatabase;

/** A freshly migrated schema of its own for one benchmark, dropped afterwards. */
export function createBenchSchema(databaseUrl: string, label: string): Promise<BenchSchema> {
  return createIsolatedSchema({ databaseUrl, prefix: `bench_${label}`, poolMax: 10 });
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
