import type { TranscodeResult } from '@reelforge/queue';
import { outputPrefix } from '@reelforge/storage';
import { TranscodeService, type TranscodeSource } from '../../apps/worker/src/transcode/transcode.service.js';

/**
 * Benchmark harness, not a test mock: a TranscodeService whose run() returns at once, so the
 * queue benchmark times the worker's own machinery (payload parsing, the Postgres claim, progress
 * writer, completion row, BullMQ events) without ffmpeg.
 */
export class NoopTranscodeService extends TranscodeService {
  override async run(source: TranscodeSource): Promise<TranscodeResult> {
    return { outputPrefix: outputPrefix(source.fileId, source.jobId, 1), renditions: [] };
  }

  override async discardOutput(): Promise<void> {}
}
