import { z } from 'zod';

// ffprobe's JSON writer prints most numbers as strings ("6.000000", "N/A"); fluent-ffmpeg's ffprobe()
// parses the flat text output and turns only unsigned decimal strings into numbers. Both shapes are
// accepted: every field is "string or number or missing", normalised here to number|null / string|null.
const MISSING_TEXT = new Set(['', 'N/A', 'unknown']);

function toNumber(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && MISSING_TEXT.has(value.trim())) return null;
  const parsed = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

function toText(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return MISSING_TEXT.has(text) ? null : text;
}

const numberish = z.union([z.number(), z.string()]).nullish().transform(toNumber);
const textish = z.union([z.string(), z.number()]).nullish().transform(toText);

const RawSideDataSchema = z.looseObject({
  side_data_type: textish,
  rotation: numberish,
});

export const RawStreamSchema = z.looseObject({
  index: numberish,
  codec_type: textish,
  codec_name: textish,
  width: numberish,
  height: numberish,
  sample_aspect_ratio: textish,
  pix_fmt: textish,
  color_transfer: textish,
  r_frame_rate: textish,
  avg_frame_rate: textish,
  bit_rate: numberish,
  duration: numberish,
  nb_frames: numberish,
  channels: numberish,
  channel_layout: textish,
  sample_rate: numberish,
  /** fluent-ffmpeg flattens the Display Matrix side data onto the stream itself. */
  rotation: numberish,
  side_data_list: z.array(RawSideDataSchema).nullish(),
  disposition: z.record(z.string(), numberish).nullish(),
  tags: z.record(z.string(), textish).nullish(),
});
export type RawStream = z.infer<typeof RawStreamSchema>;

export const RawFormatSchema = z.looseObject({
  format_name: textish,
  duration: numberish,
  size: numberish,
  bit_rate: numberish,
});

/** The part of `ffprobe -show_format -show_streams -print_format json` that parseProbe reads. */
export const RawProbeSchema = z.looseObject({
  streams: z.array(RawStreamSchema).nullish(),
  format: RawFormatSchema.nullish(),
});
export type RawProbe = z.infer<typeof RawProbeSchema>;
