// The timed loops of the queue-throughput benchmark: each returns milliseconds for its whole batch.
import { performance } from 'node:perf_hooks';
import { createId } from '@paralleldrive/cuid2';
import { transcodeBullJobId, type TranscodeJobPayload, type TranscodeQueue } from '@reelforge/queue';
import type { Worker } from 'bullmq';
import type { MediaService } from '../../apps/api/src/media/media.service.js';
import { ADMIN_CALLER } from '../../apps/api/src/http/caller.js';
import { submitTranscode } from './bench.http.js';

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** One client: each POST waits for the previous answer. */
export function apiSequential(baseUrl: string, fileIds: readonly string[]): Promise<number> {
  return timed(async () => {
    for (const fileId of fileIds) await submitTranscode(baseUrl, { fileId });
  });
}

/** `clients` clients posting at once, each taking the next file. */
export function apiConcurrent(baseUrl: string, fileIds: readonly string[], clients: number): Promise<number> {
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < fileIds.length; i = next++) await submitTranscode(baseUrl, { fileId: fileIds[i]! });
  };
  return timed(() => Promise.all(Array.from({ length: clients }, lane)));
}

/** The route's service call without HTTP: MediaService.submitTranscode, one after another. */
export function serviceSequential(media: MediaService, fileIds: readonly string[]): Promise<number> {
  return timed(async () => {
    for (const fileId of fileIds) await media.submitTranscode({ fileId }, { caller: ADMIN_CALLER, idempotencyKey: undefined });
  });
}

/** The HTTP floor: GET /healthz (no auth, no body, no I/O) with the same client, one after another. */
export function httpFloor(baseUrl: string, count: number): Promise<number> {
  return timed(async () => {
    for (let i = 0; i < count; i += 1) {
      const res = await fetch(`${baseUrl}/healthz`);
      if (!res.ok) throw new Error(`GET /healthz answered ${res.status}`);
      await res.arrayBuffer();
    }
  });
}

/** Payloads shaped like the API's, with fresh ids, for the raw BullMQ baselines. */
export function rawPayloads(count: number, originalName: string): TranscodeJobPayload[] {
  return Array.from({ length: count }, () => {
    const fileId = createId();
    return { jobId: createId(), fileId, originalName, sourceKey: `uploads/${fileId}/${originalName}` };
  });
}

export function rawAdd(queue: TranscodeQueue, payloads: readonly TranscodeJobPayload[]): Promise<number> {
  return timed(async () => {
    for (const data of payloads) await queue.add('transcode', data, { jobId: transcodeBullJobId(data.jobId, 1) });
  });
}

export function rawAddBulk(queue: TranscodeQueue, payloads: readonly TranscodeJobPayload[]): Promise<number> {
  return timed(() => queue.addBulk(payloads.map((data) => ({ name: 'transcode', data, opts: { jobId: transcodeBullJobId(data.jobId, 1) } }))));
}

/** Starts a worker created with autorun off on a filled queue; time until `count` jobs completed. */
export async function drain(worker: Worker, count: number): Promise<number> {
  await worker.waitUntilReady();
  let done = 0;
  const finished = new Promise<void>((resolve, reject) => {
    worker.on('completed', () => {
      done += 1;
      if (done === count) resolve();
    });
    worker.on('failed', (job, err) => reject(new Error(`job ${job?.id ?? '?'} failed: ${err.message}`)));
  });
  const started = performance.now();
  const running = worker.run();
  await finished;
  const ms = performance.now() - started;
  await worker.close();
  await running;
  return ms;
}
