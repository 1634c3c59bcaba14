import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EmbeddedRedis } from '@reelforge/queue/embedded';
import type { BenchContext } from './bench.context.js';
import { createBenchSchema, startPrivateRedis, type BenchSchema } from './bench.services.js';
import { newQueuePrefix, startBenchStack, type BenchStack } from './bench.stack.js';

export interface BenchEnv {
  schema: BenchSchema;
  redis: EmbeddedRedis;
  queuePrefix: string;
  /** Local storage root shared by the in-process API and any spawned worker. */
  storageDir: string;
  /** The real API in this process (no worker). */
  stack: BenchStack;
}

/** A benchmark's private services: schema, redis-server, storage directory and the API; undone by ctx.cleanup. */
export async function startBenchEnv(ctx: BenchContext, label: string): Promise<BenchEnv> {
  const schema = await createBenchSchema(ctx.databaseUrl, label);
  ctx.cleanup.defer('schema', () => schema.drop());
  const redis = await startPrivateRedis();
  ctx.cleanup.defer('redis', () => redis.stop());
  const storageDir = await mkdtemp(path.join(os.tmpdir(), `reelforge-bench-${label}-`));
  ctx.cleanup.defer('storage dir', () => rm(storageDir, { recursive: true, force: true }));
  const queuePrefix = newQueuePrefix();
  const stack = await startBenchStack({ schema, redisUrl: redis.url, queuePrefix, storage: { kind: 'local', dir: storageDir }, worker: false });
  ctx.cleanup.defer('stack', () => stack.close());
  return { schema, redis, queuePrefix, storageDir, stack };
}
