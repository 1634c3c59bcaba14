import { cappedVideoKbps, h264EquivalentKbps, rateControl, tableVideoKbps } from './bitrate.table.js';
import { AAC_LC_CODEC_STRING, avc1HighCodecString, pickH264Level } from './codec-string.js';
import { baseFrameRate, gopFrames, renditionFrameRate } from './frame-rate.policy.js';
import { DEFAULT_FFMPEG_CAPABILITIES, DEFAULT_LADDER_OPTIONS, type FfmpegCapabilities, type LadderOptions } from './ladder.options.js';
import type { MediaInfo, VideoStreamInfo } from './media-info.schema.js';
import { UnsupportedInputError } from './media.errors.js';
import { formatRational, rationalToNumber } from './rational.math.js';
import { type RungFrame, selectRungs } from './rung.selector.js';
import { planStoryboard } from './storyboard.builder.js';
import type { AudioPlan, Rendition, TranscodePlan, VideoSourcePlan } from './transcode-plan.schema.js';

const AUDIO_RENDITION: Pick<AudioPlan, 'name' | 'channels' | 'sampleRate' | 'codecs'> = {
  name: 'audio',
  channels: 2,
  sampleRate: 48_000,
  codecs: AAC_LC_CODEC_STRING,
};

/**
 * Plans the HLS ladder for a probed input: which renditions, at what size, frame rate and bitrate, and
 * which audio stream. Pure: the same facts and options always give the same plan.
 * @throws UnsupportedInputError when there is nothing to encode (audio-only input with audio disabled).
 */
export function planLadder(
  info: MediaInfo,
  options: LadderOptions = DEFAULT_LADDER_OPTIONS,
  capabilities: FfmpegCapabilities = DEFAULT_FFMPEG_CAPABILITIES,
): TranscodePlan {
  const notes: string[] = [];
  const audio = planAudio(info, options, notes);
  const base = { durationS: info.durationS, segmentSeconds: options.segmentSeconds, preset: options.preset };

  if (!info.video) {
    if (!audio) throw new UnsupportedInputError('the input has only audio and audio is disabled: nothing to encode');
    notes.unshift('Audio-only input: one AAC rendition, no video variants.');
    return { ...base, hasVideo: false, video: null, renditions: [], audio, notes };
  }

  const video = info.video;
  const selection = selectRungs(video.displayWidth, video.displayHeight, options.rungs, options.maxRungs);
  const sourceKbps = sourceVideoKbps(info, video);
  const planned = selection.frames.map((frame) => planRendition(frame, video, sourceKbps, options.segmentSeconds));
  const renditions = planned.map(({ rendition }) => rendition);
  const source: VideoSourcePlan = { streamIndex: video.index, toneMap: video.hdr && capabilities.zscale ? video.hdr : null };

  notes.unshift(...videoNotes(video, source, selection.belowSmallestRung));
  if (planned.some(({ capped }) => capped)) {
    notes.push(`Video bitrates capped at 110 % of the source's H.264-equivalent ${Math.round(sourceKbps ?? 0)} kbps.`);
  }
  const storyboard = planStoryboard({ durationS: info.durationS, renditions });
  return { ...base, hasVideo: true, video: source, renditions, audio, notes, storyboard };
}

function planRendition(
  frame: RungFrame,
  video: VideoStreamInfo,
  sourceKbps: number | null,
  segmentSeconds: number,
): { rendition: Rendition; capped: boolean } {
  const frameRate = renditionFrameRate(baseFrameRate(video), frame.nominalHeight);
  const fps = rationalToNumber(frameRate);
  const tableKbps = tableVideoKbps(frame.width, frame.height, fps);
  const videoBitrateKbps = frame.explicitKbps ?? cappedVideoKbps(tableKbps, sourceKbps);
  const { maxrateKbps, bufsizeKbps } = rateControl(videoBitrateKbps);
  const level = pickH264Level({ width: frame.width, height: frame.height, fps, maxrateKbps, bufsizeKbps });
  const rendition: Rendition = {
    name: frame.name,
    width: frame.width,
    height: frame.height,
    frameRate,
    fps: Math.round(fps * 1000) / 1000,
    gop: gopFrames(frameRate, segmentSeconds),
    videoBitrateKbps,
    maxrateKbps,
    bufsizeKbps,
    profile: 'high',
    level: level.name,
    codecs: avc1HighCodecString(level),
  };
  return { rendition, capped: frame.explicitKbps === null && videoBitrateKbps < tableKbps };
}

/**
 * The source's video bitrate in H.264 terms. When the stream does not state it (Matroska, WebM) the
 * container's bitrate minus the known audio bitrates stands in.
 */
function sourceVideoKbps(info: MediaInfo, video: VideoStreamInfo): number | null {
  const audioBps = info.audio.reduce((sum, stream) => sum + (stream.bitrateBps ?? 0), 0);
  const videoBps = video.bitrateBps ?? (info.bitrateBps ? Math.max(0, info.bitrateBps - audioBps) : null);
  return videoBps === null ? null : h264EquivalentKbps(videoBps / 1000, video.codec);
}

/** One audio rendition shared by every video variant: the default-flagged stream, else the first. */
function planAudio(info: MediaInfo, options: LadderOptions, notes: string[]): AudioPlan | null {
  if (info.audio.length === 0) return null;
  if (!options.includeAudio) {
    notes.push('Audio left out (includeAudio is false).');
    return null;
  }
  const chosen = info.audio.find((stream) => stream.isDefault) ?? info.audio[0];
  if (!chosen) return null;
  if (info.audio.length > 1) {
    const language = chosen.language ? ` (${chosen.language})` : '';
    notes.push(`${info.audio.length} audio streams: only stream #${chosen.index}${language} is used.`);
  }
  if (chosen.channels !== null && chosen.channels > 2) {
    notes.push(`${chosen.channelLayout ?? `${chosen.channels}-channel`} audio downmixed to stereo.`);
  }
  return { ...AUDIO_RENDITION, streamIndex: chosen.index, bitrateKbps: options.audioBitrateKbps };
}

function videoNotes(video: VideoStreamInfo, source: VideoSourcePlan, belowSmallestRung: boolean): string[] {
  const notes: string[] = [];
  const display = `${video.displayWidth}x${video.displayHeight}`;
  if (video.rotation !== 0) notes.push(`Rotated ${video.rotation}° by ffmpeg's autorotate; display size ${display}.`);
  const sar = video.sampleAspectRatio;
  // Scalers leave near-square ratios like 640:639 behind; those are not worth a note.
  if (Math.abs(sar.num / sar.den - 1) > 0.01) {
    notes.push(`Anamorphic source (SAR ${sar.num}:${sar.den}) scaled to square pixels; display size ${display}.`);
  }
  if (belowSmallestRung) notes.push(`Source (${display}) is smaller than the smallest rung: one rendition at its own size.`);
  if (!video.frameRate) {
    notes.push('Source frame rate unknown: encoded at 30 fps.');
  } else if (video.isVfr) {
    const average = rationalToNumber(video.frameRate).toFixed(3);
    notes.push(`Variable frame rate source (average ${average} fps) encoded at a constant ${formatRational(baseFrameRate(video))} fps.`);
  }
  if (video.hdr) {
    const transfer = video.hdr.toUpperCase();
    notes.push(
      source.toneMap
        ? `HDR (${transfer}) tone-mapped to SDR BT.709.`
        : `HDR (${transfer}) converted without tone mapping (zscale unavailable): colours will look flat.`,
    );
  }
  if (video.pixelFormat !== 'yuv420p') notes.push(`Pixel format ${video.pixelFormat ?? 'unknown'} converted to 8-bit yuv420p.`);
  return notes;
}
