import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createId } from '@paralleldrive/cuid2';
import { detectOrphanGuard } from '@reelforge/process';
import { createStorageDriver, fileOutputFolder, type StorageDriver } from '@reelforge/storage';
import { startS3rver } from '@reelforge/storage/testing';
import { ProgressReporter } from '../../apps/worker/src/transcode/progress.reporter.js';
import { TranscodeService } from '../../apps/worker/src/transcode/transcode.service.js';
import { createBenchSchema } from './bench.services.js';
import { CleanupStack } from './cleanup.stack.js';
import type { Clip } from './inputs.factory.js';
import { benchLimits, defaultLadder, workerCapabilities } from './ladder.plan.js';

/** MPEG-TS packets are 188 bytes; a whole segment is a multiple of that, a cut one almost never is. */
const TS_PACKET_BYTES = 188;

export interface ServiceSample {
  /** TranscodeService.run from start to return (download, probe, encode, images, uploads, master). */
  totalMs: number;
  /** ffmpeg's last progress report (its end) → master.m3u8 stored. */
  tailMs: number;
  /** Part of the tail spent on the poster and storyboard-tiling commands (the thumbnails come out of the ladder pass). */
  imagesMs: number;
  /** Part of the tail spent uploading what was left, measuring and writing master.m3u8. */
  uploadTailMs: number;
  segments: number;
  /** Stored .ts objects whose size is not a whole number of TS packets: uploaded while ffmpeg was still writing them. */
  truncatedSegments: number;
}

export interface ServiceRunner {
  /** The S3 driver (s3rver), also used for the encode-then-upload baseline. */
  storage: StorageDriver;
  runOnce(): Promise<ServiceSample>;
  close(): Promise<void>;
}

/**
 * The worker's TranscodeService with the S3 driver against a private s3rver, called directly so the
 * moment ffmpeg finishes can be read off its progress reports (the queue adds nothing here).
 */
export async function startServiceRunner(databaseUrl: string, source: Clip, log: (line: string) => void): Promise<ServiceRunner> {
  const cleanup = new CleanupStack((label, err) => log(`cleanup ${label} failed: ${(err as Error).message}`));
  try {
    const s3 = await startS3rver();
    cleanup.defer('s3rver', () => s3.stop());
    const storage = createStorageDriver({ ...s3.storageConfig });
    cleanup.defer('s3 driver', () => storage.close());
    const schema = await createBenchSchema(databaseUrl, 'overlap');
    cleanup.defer('schema', () => schema.drop());
    const service = new TranscodeService({
      storage,
      defaultLadder: defaultLadder(),
      capabilities: await workerCapabilities(),
      ...benchLimits(),
      orphanGuard: await detectOrphanGuard(),
    });
    const sourceKey = `uploads/bench-source/${path.basename(source.path)}`;
    await storage.putFile(sourceKey, source.path);

    const runOnce = async (): Promise<ServiceSample> => {
      const fileId = createId();
      const marks: { stage: string; at: number }[] = [];
      const reporter = new ProgressReporter((sample) => marks.push({ stage: sample.stage, at: performance.now() }));
      const started = performance.now();
      await service.run(
        { jobId: createId(), fileId, sourceKey },
        reporter,
        new AbortController().signal,
        1,
      );
      const finished = performance.now();
      const encodeEnd = marks.filter((m) => m.stage === 'encoding').at(-1)?.at;
      const uploading = marks.find((m) => m.stage === 'uploading')?.at;
      if (encodeEnd === undefined || uploading === undefined) throw new Error('TranscodeService reported no encoding or uploading stage');
      let segments = 0;
      let truncatedSegments = 0;
      for await (const object of storage.list(fileOutputFolder(fileId))) {
        if (!object.key.endsWith('.ts')) continue;
        segments += 1;
        if (object.bytes % TS_PACKET_BYTES !== 0) truncatedSegments += 1;
      }
      await storage.deletePrefix(fileOutputFolder(fileId));
      return {
        totalMs: finished - started,
        tailMs: finished - encodeEnd,
        imagesMs: uploading - encodeEnd,
        uploadTailMs: finished - uploading,
        segments,
        truncatedSegments,
      };
    };
    return { storage, runOnce, close: () => cleanup.close() };
  } catch (err) {
    await cleanup.close();
    throw err;
  }
}
