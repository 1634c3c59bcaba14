import { loadConfig, type Config } from '@reelforge/config';
import { checkFfmpeg, probeMedia } from '@reelforge/ffmpeg';
import {
  ALLOWED_INPUT_FORMATS,
  LadderOptionsSchema,
  planLadder,
  type FfmpegCapabilities,
  type LadderOptionsInput,
  type VideoTranscodePlan,
} from '@reelforge/media';

/** Ladder settings taken from the environment, so users can benchmark their own; nothing else is. */
export const MEDIA_ENV_VARS = ['LADDER_HEIGHTS', 'HLS_SEGMENT_SECONDS', 'X264_PRESET'] as const;

export function mediaEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(MEDIA_ENV_VARS.flatMap((name) => (source[name] ? [[name, source[name]]] : [])));
}

/** The ladder every benchmark runs: the installation defaults unless MEDIA_ENV_VARS say otherwise. */
export const DEFAULT_MEDIA: Config['media'] = loadConfig(mediaEnv()).media;

/** What worker.runtime.ts hands TranscodeService as its default ladder. */
/** The installation's default input limits and attempt time limit, as a worker started with no env has them. */
export function benchLimits(): { inputLimits: Config['limits']['input']; timeLimit: Config['limits']['jobTimeout'] } {
  const { limits } = loadConfig({});
  return { inputLimits: limits.input, timeLimit: limits.jobTimeout };
}

export function defaultLadder(media: Config['media'] = DEFAULT_MEDIA): LadderOptionsInput {
  return { rungs: media.ladderHeights.map((height) => ({ height })), segmentSeconds: media.segmentSeconds, preset: media.x264Preset };
}

/** The capabilities the worker detects at start-up. */
export async function workerCapabilities(): Promise<FfmpegCapabilities> {
  const found = await checkFfmpeg();
  return { zscale: found.filters.zscale && found.filters.tonemap };
}

/** The plan the worker makes for `source` with the default ladder: probe → parse → planLadder. */
export async function planForSource(source: string): Promise<VideoTranscodePlan> {
  const { info } = await probeMedia(source, { allowedFormats: ALLOWED_INPUT_FORMATS });
  const plan = planLadder(info, LadderOptionsSchema.parse(defaultLadder()), await workerCapabilities());
  if (!plan.hasVideo) throw new Error(`${source} has no video to plan a ladder for`);
  return plan;
}

/**
 * The same ladder as one plan per rendition (how most self-hosted platforms transcode: one job per
 * resolution). Audio rides with the first rendition only, so together they write what the one-pass
 * plan writes.
 */
export function singleRungPlans(plan: VideoTranscodePlan): VideoTranscodePlan[] {
  return plan.renditions.map((rendition, i) => ({ ...plan, renditions: [rendition], audio: i === 0 ? plan.audio : null }));
}
