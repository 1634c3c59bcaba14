import type { HdrTransfer, Rational, VideoStreamInfo } from './media-info.schema.js';
import type { RawStream } from './ffprobe-output.schema.js';
import { parseRational, rationalToNumber } from './rational.math.js';

// Small readers of single ffprobe stream fields; probe.parser.ts composes them.

const IMAGE_CODECS = new Set(['mjpeg', 'png', 'bmp', 'webp', 'tiff', 'jpegls', 'jpeg2000']);
/** Containers that hold music; an image "video" stream in them is cover art even without attached_pic. */
const AUDIO_CONTAINERS = new Set(['mp3', 'flac', 'ogg', 'wav', 'aiff', 'ape', 'wv', 'tta', 'dsf']);
const MAX_PLAUSIBLE_FPS = 240;
/** avg_frame_rate and r_frame_rate further apart than this (relative) mark the stream as variable frame rate. */
const VFR_TOLERANCE = 0.01;

export function isFlagSet(stream: RawStream, disposition: string): boolean {
  return stream.disposition?.[disposition] === 1;
}

/**
 * Cover art, album pictures and thumbnails show up as "video" streams. A real video may be mjpeg (old
 * cameras), so an image codec alone is not enough: it must also be flagged, sit in a music container,
 * or be a single frame.
 */
export function isPictureStream(stream: RawStream, formatName: string | null): boolean {
  if (isFlagSet(stream, 'attached_pic') || isFlagSet(stream, 'timed_thumbnails')) return true;
  if (!IMAGE_CODECS.has(stream.codec_name ?? '')) return false;
  const inAudioContainer = (formatName ?? '').split(',').some((name) => AUDIO_CONTAINERS.has(name));
  return inAudioContainer || stream.nb_frames === 1;
}

/**
 * Clockwise rotation ffmpeg's autorotate applies. `tags.rotate` (old muxers) is clockwise; the Display
 * Matrix `rotation` is counter-clockwise. Angles that are not a multiple of 90° are applied by ffmpeg
 * without changing the frame size, so they count as 0 here.
 */
export function readRotation(stream: RawStream): VideoStreamInfo['rotation'] {
  const tag = stream.tags?.['rotate'];
  const matrix = stream.side_data_list?.find((entry) => entry.rotation !== null)?.rotation ?? 0;
  const clockwise = tag && Number.isFinite(Number(tag)) ? Number(tag) : -matrix;
  const quarterTurns = Math.round(clockwise / 90);
  if (Math.abs(clockwise - quarterTurns * 90) > 1) return 0;
  return ((((quarterTurns % 4) + 4) % 4) * 90) as VideoStreamInfo['rotation'];
}

/** Bits per component from the pixel format name: yuv420p → 8, yuv420p10le → 10, p010le → 10. */
export function readBitDepth(pixelFormat: string | null): number {
  if (!pixelFormat) return 8;
  const semiPlanar = /^p[0-9](\d{2})(?:le|be)$/.exec(pixelFormat);
  const planar = /[a-z](\d{1,2})(?:le|be)$/.exec(pixelFormat);
  const bits = Number(semiPlanar?.[1] ?? planar?.[1] ?? 8);
  return bits >= 8 && bits <= 16 ? bits : 8;
}

export function readHdr(colorTransfer: string | null): HdrTransfer | null {
  if (colorTransfer === 'smpte2084') return 'pq';
  if (colorTransfer === 'arib-std-b67') return 'hlg';
  return null;
}

function plausibleRate(text: string | null): Rational | null {
  const rate = parseRational(text);
  return rate && rationalToNumber(rate) <= MAX_PLAUSIBLE_FPS ? rate : null;
}

/**
 * avg_frame_rate is frames over the stream's duration; r_frame_rate the base rate every timestamp
 * fits. When they agree (within VFR_TOLERANCE) the base rate is the exact one: an average is skewed
 * by a first frame that starts late (fragmented MP4 without an edit list: 90 frames over 3.021 s).
 * A base rate no camera has (1000/1 in MediaRecorder WebM, 30000/1 in its fragmented MP4) is the
 * time base: frames come at whatever pace the browser captured them, so that counts as variable.
 */
export function readFrameRate(stream: RawStream): { frameRate: Rational | null; isVfr: boolean } {
  const average = plausibleRate(stream.avg_frame_rate);
  const real = plausibleRate(stream.r_frame_rate);
  if (average !== null && real !== null) {
    const apart = Math.abs(rationalToNumber(average) - rationalToNumber(real)) / rationalToNumber(real) > VFR_TOLERANCE;
    return apart ? { frameRate: average, isVfr: true } : { frameRate: real, isVfr: false };
  }
  const timeBaseAsRate = real === null && parseRational(stream.r_frame_rate) !== null;
  return { frameRate: average ?? real, isVfr: average !== null && timeBaseAsRate };
}

/** Matroska keeps per-stream bitrate and duration in tags (BPS, DURATION "00:00:06.021000000"). */
export function readTaggedBitrate(stream: RawStream): number | null {
  const tags = stream.tags ?? {};
  const value = Number(tags['BPS'] ?? tags['BPS-eng'] ?? Number.NaN);
  return Number.isFinite(value) && value > 0 ? Math.round(value) : null;
}

export function readTaggedDuration(stream: RawStream): number | null {
  const tags = stream.tags ?? {};
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(tags['DURATION'] ?? tags['DURATION-eng'] ?? '');
  if (!match) return null;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

export function positiveInt(value: number | null): number | null {
  return value !== null && value > 0 ? Math.round(value) : null;
}
