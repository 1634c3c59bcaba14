import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createId } from '@paralleldrive/cuid2';
import { loadConfig, type Config } from '@reelforge/config';
import { JobsRepository } from '@reelforge/db';
import { createTestDatabase, type TestDatabase } from '@reelforge/db/testing';
import { createRedisConnection, createQueue, type TranscodeQueue } from '@reelforge/queue';
import { createStorageDriver, type StorageDriver } from '@reelforge/storage';
import { startS3rver, type S3rverHandle } from '@reelforge/storage/testing';
import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { createApiRuntime, type ApiRuntime } from '../../apps/api/src/api.runtime.js';
import { createWorkerRuntime, type WorkerRuntime } from '../../apps/worker/src/worker.runtime.js';

export const TEST_TOKEN = 'test-token-0123456789';

export interface TestStackOptions {
  storage?: 'local' | 's3';
  /** Start an in-process worker (default true). */
  worker?: boolean;
  env?: Record<string, string>;
  /** Receives the API's and the worker's logs (default: silent, or REELFORGE_TEST_LOG's level). */
  logger?: Logger;
}

export interface TestStack {
  baseUrl: string;
  config: Config;
  db: TestDatabase;
  jobs: JobsRepository;
  /** A storage driver of its own for assertions on what the stack wrote. */
  storage: StorageDriver;
  /** The transcode queue, for assertions on BullMQ state. */
  queue: TranscodeQueue;
  api: ApiRuntime;
  worker: WorkerRuntime | undefined;
  stop(): Promise<void>;
}

/**
 * The real API and worker in this process, on a private Postgres schema, queue prefix and storage
 * location, so test files run in parallel without seeing each other.
 */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const db = await createTestDatabase({ prefix: 'e2e' });
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'reelforge-e2e-'));
  const s3: S3rverHandle | undefined = options.storage === 's3' ? await startS3rver() : undefined;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.databaseUrl,
    DATABASE_SCHEMA: db.schema,
    REDIS_URL: process.env.REELFORGE_TEST_REDIS_URL!,
    QUEUE_PREFIX: `rf-${createId().slice(0, 12)}`,
    API_TOKENS: TEST_TOKEN,
    EMBEDDED_DIR: scratch,
    STORAGE_DIR: path.join(scratch, 'storage'),
    // Small, fast ladders keep the suite quick on two cores; the planner is covered by unit tests.
    LADDER_HEIGHTS: '360,240',
    HLS_SEGMENT_SECONDS: '1',
    X264_PRESET: 'ultrafast',
    // One pass unless a test asks for chunked encoding (test/e2e/chunked-encoding.e2e.spec.ts).
    CHUNK_MIN_DURATION_S: '0',
    JOB_LOCK_DURATION_MS: '10000',
    JOB_STALLED_INTERVAL_MS: '2000',
    ...(s3
      ? s3.env
      : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  const logger = options.logger ?? pino({ level: process.env.REELFORGE_TEST_LOG ?? 'silent' });
  const api = createApiRuntime(config, logger);
  const server: Server = await new Promise((resolve) => {
    const s = api.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  const worker = options.worker === false ? undefined : await createWorkerRuntime(config, logger);
  const storage = createStorageDriver(
    s3 ? { ...s3.storageConfig } : { driver: 'local', rootDir: path.join(scratch, 'storage'), publicBaseUrl: `http://127.0.0.1:${port}` },
  );
  const queueConnection: Redis = createRedisConnection(config.redis.url!, 'worker');
  const queue = createQueue('transcode', { connection: queueConnection, prefix: config.queue.prefix, attempts: config.queue.attempts });

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    db,
    jobs: new JobsRepository(db.pool),
    storage,
    queue,
    api,
    worker,
    async stop() {
      await worker?.close(0);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await api.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      queueConnection.disconnect();
      await storage.close();
      await s3?.stop();
      await db.drop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
