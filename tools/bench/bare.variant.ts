import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildHlsArgs, buildPosterArgs, buildStoryboardArgs, planStoryboard, writeStoryboardVtt, type VideoTranscodePlan } from '@reelforge/media';
import type { StorageDriver } from '@reelforge/storage';
import { singleRungPlans } from './ladder.plan.js';
import { uploadAfterEncode, type SerialUploadResult } from './serial.uploader.js';
import { runTimed } from './timed.process.js';

export interface BareSample {
  /** The HLS ladder command, ffmpeg alone. */
  hlsMs: number;
  hlsMaxRssKiB: number;
  hlsCpuS: number | null;
  /** The poster and storyboard commands the worker runs after the ladder (0 when not run). */
  posterMs: number;
  storyboardMs: number;
  /** CPU of the poster and storyboard commands; null without GNU time. */
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

/** Bare ffmpeg with the exact argument arrays the worker builds, then optionally the same image commands and a serial upload. */
export async function runBare(plan: VideoTranscodePlan, input: string, options: BareOptions): Promise<BareSample> {
  const outputDir = await tempDir();
  try {
    const hls = await runTimed('ffmpeg', buildHlsArgs(plan, { input, outputDir }));
    let posterMs = 0;
    let storyboardMs = 0;
    let imagesCpuS: number | null = 0;
    if (options.images) {
      const poster = await runTimed('ffmpeg', buildPosterArgs(plan, { input, output: path.join(outputDir, 'poster.jpg') }));
      const storyboard = planStoryboard(plan);
      const sheet = await runTimed('ffmpeg', buildStoryboardArgs(plan, storyboard, { input, output: path.join(outputDir, 'storyboard.jpg') }));
      posterMs = poster.wallMs;
      storyboardMs = sheet.wallMs;
      imagesCpuS = poster.cpuS === null || sheet.cpuS === null ? null : poster.cpuS + sheet.cpuS;
      await writeFile(path.join(outputDir, 'storyboard.vtt'), writeStoryboardVtt(storyboard, 'storyboard.jpg'));
    }
    const upload = options.serialUpload;
    const serial = upload ? await uploadAfterEncode(upload.storage, outputDir, upload.keyPrefix, plan, upload.concurrency) : null;
    return { hlsMs: hls.wallMs, hlsMaxRssKiB: hls.maxRssKiB, hlsCpuS: hls.cpuS, posterMs, storyboardMs, imagesCpuS, serial };
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
