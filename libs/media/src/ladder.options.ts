import { z } from 'zod';

export const X264_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;
export const X264PresetSchema = z.enum(X264_PRESETS);
export type X264Preset = z.infer<typeof X264PresetSchema>;

export const RungSchema = z.strictObject({
  /** Short side of the picture in pixels: 1080 means 1920x1080 landscape or 1080x1920 portrait. */
  height: z.number().int().min(144).max(4320),
  /** Fixed video bitrate; when absent it comes from the bits-per-pixel table, capped by the source. */
  videoBitrateKbps: z.number().int().positive().max(100_000).optional(),
});
export type Rung = z.infer<typeof RungSchema>;

export const DEFAULT_RUNGS: readonly Rung[] = [{ height: 1080 }, { height: 720 }, { height: 480 }, { height: 360 }];

/** The ladder's fields, unfilled; LadderOptionsSchema adds the defaults, LadderOverridesSchema leaves them out. */
const ladderFields = {
  rungs: z
    .array(RungSchema)
    .min(1)
    .max(8)
    .refine((rungs) => new Set(rungs.map((rung) => rung.height)).size === rungs.length, {
      message: 'rung heights must be unique',
    }),
  segmentSeconds: z.number().int().min(1).max(20),
  preset: X264PresetSchema,
  audioBitrateKbps: z.number().int().min(32).max(320),
  includeAudio: z.boolean(),
  /** Keep at most this many renditions (the tallest ones). */
  maxRungs: z.number().int().min(1).max(8),
};

/**
 * How to build the HLS ladder, complete: what the worker plans with, after merging a job's overrides
 * onto the installation defaults. Every field has a default, so `{}` is a valid ladder.
 */
export const LadderOptionsSchema = z.strictObject({
  rungs: ladderFields.rungs.default(() => DEFAULT_RUNGS.map((rung) => ({ ...rung }))),
  segmentSeconds: ladderFields.segmentSeconds.default(4),
  preset: ladderFields.preset.default('veryfast'),
  audioBitrateKbps: ladderFields.audioBitrateKbps.default(128),
  includeAudio: ladderFields.includeAudio.default(true),
  maxRungs: ladderFields.maxRungs.optional(),
});
export type LadderOptions = z.infer<typeof LadderOptionsSchema>;
export type LadderOptionsInput = z.input<typeof LadderOptionsSchema>;

export const DEFAULT_LADDER_OPTIONS: LadderOptions = LadderOptionsSchema.parse({});

/**
 * The `ladder` of a transcode request: the same fields and limits, none filled in. A job that sets
 * only `rungs` keeps the installation's segment length, preset and audio bitrate (LADDER_HEIGHTS,
 * HLS_SEGMENT_SECONDS, X264_PRESET); parsing it with LadderOptionsSchema instead would silently
 * replace them with the library defaults.
 */
export const LadderOverridesSchema = z.strictObject(ladderFields).partial();
export type LadderOverrides = z.infer<typeof LadderOverridesSchema>;

/**
 * What the installed ffmpeg can do, detected by the caller (e.g. `ffmpeg -filters` lists zscale).
 * Debian's ffmpeg is built with libzimg, so zscale is assumed by default.
 */
export interface FfmpegCapabilities {
  zscale: boolean;
}

export const DEFAULT_FFMPEG_CAPABILITIES: FfmpegCapabilities = { zscale: true };
