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

/**
 * How to build the HLS ladder. Validates the `ladder` field of a transcode request and the
 * JSON of the corresponding env var; every field has a default, so `{}` is a valid ladder.
 */
export const LadderOptionsSchema = z.strictObject({
  rungs: z
    .array(RungSchema)
    .min(1)
    .max(8)
    .refine((rungs) => new Set(rungs.map((rung) => rung.height)).size === rungs.length, {
      message: 'rung heights must be unique',
    })
    .default(() => DEFAULT_RUNGS.map((rung) => ({ ...rung }))),
  segmentSeconds: z.number().int().min(1).max(20).default(4),
  preset: X264PresetSchema.default('veryfast'),
  audioBitrateKbps: z.number().int().min(32).max(320).default(128),
  includeAudio: z.boolean().default(true),
  /** Keep at most this many renditions (the tallest ones). */
  maxRungs: z.number().int().min(1).max(8).optional(),
});
export type LadderOptions = z.infer<typeof LadderOptionsSchema>;
export type LadderOptionsInput = z.input<typeof LadderOptionsSchema>;

export const DEFAULT_LADDER_OPTIONS: LadderOptions = LadderOptionsSchema.parse({});

/**
 * What the installed ffmpeg can do, detected by the caller (e.g. `ffmpeg -filters` lists zscale).
 * Debian's ffmpeg is built with libzimg, so zscale is assumed by default.
 */
export interface FfmpegCapabilities {
  zscale: boolean;
}

export const DEFAULT_FFMPEG_CAPABILITIES: FfmpegCapabilities = { zscale: true };
