import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  buildHlsArgs,
  buildPosterArgs,
  buildStoryboardTileArgs,
  STORYBOARD_THUMB_PATTERN,
  writeStoryboardVtt,
  type VideoTranscodePlan,
} from '@reelforge/media';
import { POSTER_IMAGE_NAME, STORYBOARD_IMAGE_NAME, STORYBOARD_VTT_NAME, type StorageDriver } from '@reelforge/storage';
import { singleRungPlans } from './ladder.plan.js';
import { uploadAfterEncode, type SerialUploadResult } from './serial.uploader.js';
import { runTimed } from './timed.process.js';

export interface BareSample {
  /** The HLS ladder command, ffmpeg alone (writing the storyboard thumbnails too when images are on). */
  hlsMs: number;
  hlsMaxRssKiB: number;
  hlsCpuS: number | null;
  /** The poster and storyboard-tiling commands the worker runs side by side after the ladder (0 when not run). */
  imagesMs: number;
  /** CPU of those two commands; null without GNU time. */
  imagesCpuS: number | null;
  /** Encode-then-upload of this output (upload-overlap only). */
  serial: SerialUploadResult | null;
}

export interface PerRenditionSample {
  totalMs: number;
  /** The largest peak of the separate processes (they run one after another). */
  maxRssKiB: number;
  cpuS: number | null;
  renditions: { name: string; wallMs: number; maxRssKiB: number }[];
}

export interface BareOptions {
  images: boolean;
  serialUpload: { storage: StorageDriver; keyPrefix: string; concurrency: number } | null;
}

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'reelforge-bench-out-'));

/** Bare ffmpeg with the exact argument arrays the worker builds (ladder + thumbnails, then poster and tiling, when images are on), then optionally a serial upload. */
export async function runBare(plan: VideoTranscodePlan, input: string, options: BareOptions): Promise<BareSample> {
  const outputDir = await tempDir();
  try {
    const thumbnailsDir = await tempDir();
    const storyboardThumbnails = path.join(thumbnailsDir, STORYBOARD_THUMB_PATTERN);
    const hls = await runTimed('ffmpeg', buildHlsArgs(plan, { input, outputDir, ...(options.images ? { storyboardThumbnails } : {}) }));
    let imagesMs = 0;
    let imagesCpuS: number | null = 0;
    if (options.images) {
      // The worker runs these two side by side once the ladder pass is done; so does this.
      const { storyboard } = plan;
      const started = performance.now();
      const [poster, tile] = await Promise.all([
        runTimed('ffmpeg', buildPosterArgs(plan, { input, output: path.join(outputDir, POSTER_IMAGE_NAME) })),
        runTimed('ffmpeg', buildStoryboardTileArgs(storyboard, { thumbnails: storyboardThumbnails, output: path.join(outputDir, STORYBOARD_IMAGE_NAME) })),
      ]);
      imagesMs = performance.now() - started;
      imagesCpuS = poster.cpuS === null || tile.cpuS === null ? null : poster.cpuS + tile.cpuS;
      await writeFile(path.join(outputDir, STORYBOARD_VTT_NAME), writeStoryboardVtt(storyboard, STORYBOARD_IMAGE_NAME));
    }
    await rm(thumbnailsDir, { recursive: true, force: true });
    const upload = options.serialUpload;
    const serial = upload ? await uploadAfterEncode(upload.storage, outputDir, upload.keyPrefix, plan, upload.concurrency) : null;
    return { hlsMs: hls.wallMs, hlsMaxRssKiB: hls.maxRssKiB, hlsCpuS: hls.cpuS, imagesMs, imagesCpuS, serial };
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

/** One ffmpeg per rendition, one after another, each built by buildHlsArgs from a single-rung plan. */
export async function runPerRendition(plan: VideoTranscodePlan, input: string): Promise<PerRenditionSample> {
  const outputDir = await tempDir();
  try {
    const renditions: PerRenditionSample['renditions'] = [];
    let cpuS: number | null = 0;
    for (const single of singleRungPlans(plan)) {
      const run = await runTimed('ffmpeg', buildHlsArgs(single, { input, outputDir }));
      renditions.push({ name: single.renditions[0]!.name, wallMs: run.wallMs, maxRssKiB: run.maxRssKiB });
      cpuS = cpuS === null || run.cpuS === null ? null : cpuS + run.cpuS;
    }
    return {
      totalMs: renditions.reduce((sum, r) => sum + r.wallMs, 0),
      maxRssKiB: Math.max(...renditions.map((r) => r.maxRssKiB)),
      cpuS,
      renditions,
    };
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}
