import type { Server } from 'node:http';
import { createId } from '@paralleldrive/cuid2';
import { loadConfig, type Config } from '@reelforge/config';
import { FilesRepository } from '@reelforge/db';
import type { S3rverHandle } from '@reelforge/storage/testing';
import { pino, type Logger } from 'pino';
import { createApiRuntime, type ApiRuntime } from '../../apps/api/src/api.runtime.js';
import { createWorkerRuntime, type WorkerRuntime } from '../../apps/worker/src/worker.runtime.js';
import type { BenchSchema } from './bench.services.js';
import { mediaEnv } from './ladder.plan.js';

export const BENCH_TOKEN = 'bench-token-not-a-secret-0123456789';

export type BenchStorage = { kind: 'local'; dir: string } | { kind: 's3'; s3: S3rverHandle };

export interface StackEnvOptions {
  schema: Pick<BenchSchema, 'databaseUrl' | 'schema'>;
  redisUrl: string;
  queuePrefix: string;
  storage: BenchStorage;
  /** Overrides, e.g. LADDER_HEIGHTS for short jobs. */
  extra?: Record<string, string>;
}

/** The environment of a benchmark's API and workers, in-process or spawned: production settings on private services. */
export function stackEnv({ schema, redisUrl, queuePrefix, storage, extra }: StackEnvOptions): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: schema.databaseUrl,
    DATABASE_SCHEMA: schema.schema,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    API_TOKENS: BENCH_TOKEN,
    ...(storage.kind === 'local'
      ? { STORAGE_DRIVER: 'local', STORAGE_DIR: storage.dir }
      : storage.s3.env),
    ...mediaEnv(),
    ...extra,
  };
}

export const newQueuePrefix = (): string => `rfb-${createId().slice(0, 10)}`;

/** Errors only, on stderr: stdout carries the report (and the JSON with --json). */
export function benchLogger(): Logger {
  return pino({ level: process.env.BENCH_LOG_LEVEL ?? 'error' }, pino.destination(2));
}

export interface BenchStack {
  baseUrl: string;
  config: Config;
  api: ApiRuntime;
  worker: WorkerRuntime | undefined;
  files: FilesRepository;
  close(): Promise<void>;
}

/** The real API (and optionally a worker) in this process, the way test/support/test-stack.ts builds them. */
export async function startBenchStack(env: StackEnvOptions & { schema: BenchSchema; worker: boolean }): Promise<BenchStack> {
  const config = loadConfig(stackEnv(env));
  const logger = benchLogger();
  const api = createApiRuntime(config, logger);
  const server: Server = await new Promise((resolve) => {
    const s = api.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  const worker = env.worker ? await createWorkerRuntime(config, logger) : undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    api,
    worker,
    files: new FilesRepository(env.schema.pool),
    async close() {
      await worker?.close(0);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await api.close();
    },
  };
}
