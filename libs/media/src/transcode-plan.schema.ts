import { z } from 'zod';
import { X264PresetSchema } from './ladder.options.js';
import { HdrTransferSchema, RationalSchema } from './media-info.schema.js';

export const RenditionSchema = z.object({
  /** Directory and var_stream_map name, e.g. "1080p". */
  name: z.string().regex(/^[a-z0-9]+$/),
  width: z.number().int().positive().multipleOf(2),
  height: z.number().int().positive().multipleOf(2),
  frameRate: RationalSchema,
  /** frameRate as a number, rounded to 3 decimals (what FRAME-RATE shows). */
  fps: z.number().positive(),
  /** Keyframe interval in frames: one GOP per segment, so every rendition switches on the same instants. */
  gop: z.number().int().positive(),
  videoBitrateKbps: z.number().int().positive(),
  maxrateKbps: z.number().int().positive(),
  bufsizeKbps: z.number().int().positive(),
  profile: z.literal('high'),
  /** H.264 level as ffmpeg takes it, e.g. "4.0". */
  level: z.string(),
  /** RFC 6381 codec string of the video, e.g. "avc1.640028". */
  codecs: z.string(),
});
export type Rendition = z.infer<typeof RenditionSchema>;

export const AudioPlanSchema = z.object({
  name: z.literal('audio'),
  streamIndex: z.number().int().nonnegative(),
  bitrateKbps: z.number().int().positive(),
  channels: z.literal(2),
  sampleRate: z.literal(48_000),
  codecs: z.literal('mp4a.40.2'),
});
export type AudioPlan = z.infer<typeof AudioPlanSchema>;

export const VideoSourcePlanSchema = z.object({
  streamIndex: z.number().int().nonnegative(),
  /** Set when the source is HDR and it gets tone-mapped to SDR BT.709 before scaling. */
  toneMap: HdrTransferSchema.nullable(),
});
export type VideoSourcePlan = z.infer<typeof VideoSourcePlanSchema>;

/** Geometry of the storyboard sprite sheet: `count` thumbnails, one every `intervalS`, row by row. */
export const StoryboardPlanSchema = z.object({
  durationS: z.number().positive(),
  intervalS: z.number().positive(),
  count: z.number().int().positive(),
  columns: z.number().int().positive(),
  rows: z.number().int().positive(),
  thumbWidth: z.number().int().positive(),
  thumbHeight: z.number().int().positive(),
});
export type StoryboardPlan = z.infer<typeof StoryboardPlanSchema>;

const planBase = {
  durationS: z.number().positive(),
  segmentSeconds: z.number().int().positive(),
  preset: X264PresetSchema,
  notes: z.array(z.string()),
};

export const VideoTranscodePlanSchema = z.object({
  ...planBase,
  hasVideo: z.literal(true),
  video: VideoSourcePlanSchema,
  /** Tallest first; this order is the var_stream_map order (v:0 is renditions[0]). */
  renditions: z.array(RenditionSchema).min(1),
  audio: AudioPlanSchema.nullable(),
  /** Written by the same ffmpeg pass as the ladder (thumbnails), then tiled. */
  storyboard: StoryboardPlanSchema,
});
export type VideoTranscodePlan = z.infer<typeof VideoTranscodePlanSchema>;

/**
 * Audio-only input (music, podcasts, voice memos): we still publish HLS, as a single AAC rendition, and
 * the master playlist lists just that variant. Rejecting these would surprise uploaders more than a
 * stream without pictures does.
 */
export const AudioOnlyTranscodePlanSchema = z.object({
  ...planBase,
  hasVideo: z.literal(false),
  video: z.null(),
  renditions: z.array(RenditionSchema).max(0),
  audio: AudioPlanSchema,
});
export type AudioOnlyTranscodePlan = z.infer<typeof AudioOnlyTranscodePlanSchema>;

/** Everything the argument builders and the master playlist writer need; safe to store as JSON. */
export const TranscodePlanSchema = z.discriminatedUnion('hasVideo', [VideoTranscodePlanSchema, AudioOnlyTranscodePlanSchema]);
export type TranscodePlan = z.infer<typeof TranscodePlanSchema>;
