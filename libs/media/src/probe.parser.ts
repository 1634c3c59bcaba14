import { type RawProbe, RawProbeSchema, type RawStream } from './ffprobe-output.schema.js';
import type { AudioStreamInfo, MediaInfo, VideoStreamInfo } from './media-info.schema.js';
import { InvalidMediaError, UnsupportedInputError } from './media.errors.js';
import { parseRational } from './rational.math.js';
import {
  isFlagSet,
  isPictureStream,
  positiveInt,
  readBitDepth,
  readFrameRate,
  readHdr,
  readRotation,
  readTaggedBitrate,
  readTaggedDuration,
} from './stream-facts.reader.js';

export interface ParseProbeOptions {
  /**
   * The duration measured from the packets (PacketSpanMeter), for a file whose container states
   * none (statedDurationS gave null). Used only when the probe itself has no usable duration.
   */
  measuredDurationS?: number | null;
}

/**
 * Turns ffprobe output (`ffprobe -v error -show_format -show_streams -print_format json`) into MediaInfo.
 * @throws InvalidMediaError when the output does not describe playable media.
 * @throws UnsupportedInputError for a still image (pictures but no video frames and no sound).
 */
export function parseProbe(raw: unknown, options: ParseProbeOptions = {}): MediaInfo {
  const parsed = RawProbeSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidMediaError(`unreadable probe output: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
  const probe = parsed.data;
  const streams = probe.streams ?? [];
  if (streams.length === 0) throw new InvalidMediaError('the file contains no streams');

  const formatName = probe.format?.format_name ?? null;
  const videoStreams = streams.filter((stream) => stream.codec_type === 'video');
  const movingPictures = videoStreams.filter((stream) => !isPictureStream(stream, formatName));
  const audioStreams = streams.filter((stream) => stream.codec_type === 'audio');
  const primaryVideo = movingPictures.find((stream) => isFlagSet(stream, 'default')) ?? movingPictures[0];

  if (!primaryVideo && audioStreams.length === 0) {
    if (videoStreams.length > 0) throw new UnsupportedInputError('the file is a still image, not a video');
    throw new InvalidMediaError('the file has neither a video nor an audio stream');
  }

  return {
    formatName,
    durationS: readDuration(probe, streams, options.measuredDurationS ?? null),
    bitrateBps: positiveInt(probe.format?.bit_rate ?? null),
    sizeBytes: positiveInt(probe.format?.size ?? null),
    streamCount: streams.length,
    video: primaryVideo ? readVideo(primaryVideo) : null,
    audio: audioStreams.map(readAudio),
  };
}

/**
 * The duration the container states, or null when it states none (a MediaRecorder WebM, a file
 * written to a pipe): then the caller measures it from the packets before calling parseProbe.
 */
export function statedDurationS(raw: unknown): number | null {
  const parsed = RawProbeSchema.safeParse(raw);
  return parsed.success ? readStatedDuration(parsed.data, parsed.data.streams ?? []) : null;
}

/** format.duration, else the longest stream duration (Matroska keeps that in a DURATION tag). */
function readStatedDuration(probe: RawProbe, streams: RawStream[]): number | null {
  const formatDuration = probe.format?.duration ?? null;
  if (formatDuration !== null && formatDuration > 0) return formatDuration;
  const streamDurations = streams
    .map((stream) => stream.duration ?? readTaggedDuration(stream))
    .filter((duration): duration is number => duration !== null && duration > 0);
  return streamDurations.length === 0 ? null : Math.max(...streamDurations);
}

function readDuration(probe: RawProbe, streams: RawStream[], measuredDurationS: number | null): number {
  const duration = readStatedDuration(probe, streams) ?? measuredDurationS;
  if (duration === null || !(duration > 0)) throw new InvalidMediaError('the duration is missing or zero');
  return duration;
}

function readVideo(stream: RawStream): VideoStreamInfo {
  const width = positiveInt(stream.width);
  const height = positiveInt(stream.height);
  if (width === null || height === null) {
    throw new InvalidMediaError(`video stream #${stream.index} has no picture size`);
  }
  const sampleAspectRatio = parseRational(stream.sample_aspect_ratio) ?? { num: 1, den: 1 };
  // Anamorphic pixels are stretched horizontally on display, as players and ffmpeg's setsar=1 scaling do.
  const anamorphicWidth = Math.max(1, Math.round((width * sampleAspectRatio.num) / sampleAspectRatio.den));
  const rotation = readRotation(stream);
  const quarterTurn = rotation === 90 || rotation === 270;
  const { frameRate, isVfr } = readFrameRate(stream);
  return {
    index: stream.index,
    codec: stream.codec_name ?? 'unknown',
    width,
    height,
    sampleAspectRatio,
    rotation,
    displayWidth: quarterTurn ? height : anamorphicWidth,
    displayHeight: quarterTurn ? anamorphicWidth : height,
    pixelFormat: stream.pix_fmt,
    bitDepth: readBitDepth(stream.pix_fmt),
    colorTransfer: stream.color_transfer,
    hdr: readHdr(stream.color_transfer),
    frameRate,
    isVfr,
    bitrateBps: positiveInt(stream.bit_rate) ?? readTaggedBitrate(stream),
  };
}

function readAudio(stream: RawStream): AudioStreamInfo {
  const language = stream.tags?.['language'] ?? null;
  return {
    index: stream.index,
    codec: stream.codec_name ?? 'unknown',
    channels: positiveInt(stream.channels),
    channelLayout: stream.channel_layout,
    sampleRate: positiveInt(stream.sample_rate),
    bitrateBps: positiveInt(stream.bit_rate) ?? readTaggedBitrate(stream),
    language: language === 'und' ? null : language,
    isDefault: isFlagSet(stream, 'default'),
  };
}
