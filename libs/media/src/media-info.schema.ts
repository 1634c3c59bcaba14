import { z } from 'zod';

/** An exact frame rate or aspect ratio, e.g. 30000/1001. Always reduced, both terms positive. */
export const RationalSchema = z.object({
  num: z.number().int().positive(),
  den: z.number().int().positive(),
});
export type Rational = z.infer<typeof RationalSchema>;

export const HdrTransferSchema = z.enum(['pq', 'hlg']);
export type HdrTransfer = z.infer<typeof HdrTransferSchema>;

export const VideoStreamInfoSchema = z.object({
  /** Absolute stream index in the input (ffprobe `index`), as used by `-map 0:<index>`. */
  index: z.number().int().nonnegative(),
  codec: z.string(),
  /** Stored (coded) picture size. */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  sampleAspectRatio: RationalSchema,
  /** Clockwise degrees ffmpeg's autorotate will apply. */
  rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]),
  /** Picture size as shown: sample aspect ratio applied, then width/height swapped for 90/270. */
  displayWidth: z.number().int().positive(),
  displayHeight: z.number().int().positive(),
  pixelFormat: z.string().nullable(),
  bitDepth: z.number().int().positive(),
  colorTransfer: z.string().nullable(),
  hdr: HdrTransferSchema.nullable(),
  /** null when ffprobe does not know it ("0/0") or reports something implausible. */
  frameRate: RationalSchema.nullable(),
  isVfr: z.boolean(),
  bitrateBps: z.number().int().positive().nullable(),
});
export type VideoStreamInfo = z.infer<typeof VideoStreamInfoSchema>;

export const AudioStreamInfoSchema = z.object({
  /** Absolute stream index in the input. */
  index: z.number().int().nonnegative(),
  codec: z.string(),
  channels: z.number().int().positive().nullable(),
  channelLayout: z.string().nullable(),
  sampleRate: z.number().int().positive().nullable(),
  bitrateBps: z.number().int().positive().nullable(),
  language: z.string().nullable(),
  isDefault: z.boolean(),
});
export type AudioStreamInfo = z.infer<typeof AudioStreamInfoSchema>;

/** Facts about an input file, distilled from ffprobe. Produced by `parseProbe`. */
export const MediaInfoSchema = z.object({
  formatName: z.string().nullable(),
  durationS: z.number().positive(),
  bitrateBps: z.number().int().positive().nullable(),
  sizeBytes: z.number().int().positive().nullable(),
  /** Every stream in the file, whatever its kind (data, subtitles and cover art included). */
  streamCount: z.number().int().positive(),
  /** The primary picture stream; cover art and attached pictures are never chosen. */
  video: VideoStreamInfoSchema.nullable(),
  audio: z.array(AudioStreamInfoSchema),
});
export type MediaInfo = z.infer<typeof MediaInfoSchema>;
