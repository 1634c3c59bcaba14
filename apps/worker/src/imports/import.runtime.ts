import type { Config } from '@reelforge/config';
import { FilesRepository, JobsRepository, type Queryable } from '@reelforge/db';
import { createMediaSniffer } from '@reelforge/ffmpeg';
import { closeBullmq, createQueue, createWorker, ImportReconciler, type JobWorker, type TranscodeQueue } from '@reelforge/queue';
import type { StorageDriver } from '@reelforge/storage';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createImportProcessor } from './import.processor.js';

export interface ImportRuntime {
  worker: JobWorker<'imports'>;
  /** Puts back imports Redis lost, fails those that ended without an outcome; run by the worker's reconcile loop. */
  reconciler: ImportReconciler;
  /** Lets imports in flight finish (each is bounded by IMPORT_TIMEOUT_S), then stops taking new ones. */
  close(): Promise<void>;
}

export interface ImportRuntimeDeps {
  db: Queryable;
  storage: StorageDriver;
  /** The worker's BullMQ connection; the import worker shares it. */
  connection: Redis;
  /** Where transcode jobs waiting for an import are enqueued. */
  transcodeQueue: TranscodeQueue;
  logger: Logger;
}

/** The worker process's side of URL imports: an `imports` queue worker with its own concurrency. */
export function createImportRuntime(config: Config, { db, storage, connection, transcodeQueue, logger }: ImportRuntimeDeps): ImportRuntime {
  const log = logger.child({ component: 'imports' });
  const { timeoutMs, allowPrivateNetworks, concurrency } = config.imports;
  const files = new FilesRepository(db);
  const jobs = new JobsRepository(db);
  const processor = createImportProcessor({
    files,
    jobs,
    storage,
    sniff: createMediaSniffer(config.limits.input),
    transcodeQueue,
    fetch: { maxBytes: config.uploads.maxBytes, timeoutMs, allowPrivateNetworks },
    tmpDir: config.uploads.tmpDir,
    logger: log,
  });
  const worker = createWorker('imports', processor, { connection, prefix: config.queue.prefix, concurrency });
  worker.on('error', (err) => log.error({ err }, 'import worker error'));
  const queue = createQueue('imports', { connection, prefix: config.queue.prefix, attempts: 1 });
  queue.on('error', (err) => log.warn({ err: err.message }, 'import queue error'));
  return {
    worker,
    reconciler: new ImportReconciler({ queue, files, jobs, logger: log }),
    async close() {
      await closeBullmq(worker, connection);
      await closeBullmq(queue, connection);
    },
  };
}
