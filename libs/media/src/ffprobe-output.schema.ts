import { z } from 'zod';

// ffprobe's JSON writer prints some numbers as numbers (width, index) and most as strings
// ("6.000000", "N/A"); every numeric field is "string or number or missing", normalised to number|null.
const MISSING_TEXT = new Set(['', 'N/A', 'unknown']);

function toNumber(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && MISSING_TEXT.has(value.trim())) return null;
  const parsed = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

function toText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  return MISSING_TEXT.has(text) ? null : text;
}

const numberish = z.union([z.number(), z.string()]).nullish().transform(toNumber);
const textish = z.string().nullish().transform(toText);

const RawSideDataSchema = z.looseObject({
  side_data_type: textish,
  rotation: numberish,
});

export const RawStreamSchema = z.looseObject({
  index: z.number().int(),
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
