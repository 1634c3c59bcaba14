// Pure media planning: ffprobe facts + options → plan → ffmpeg argument arrays and playlist texts.
// No I/O, processes, clocks or randomness here; the ffmpeg runner and storage live in other libs.
export { InputTooLargeError, InvalidMediaError, LadderOutOfBoundsError, MediaError, UnsupportedInputError } from './media.errors.js';
export {
  assertWithinInputLimits,
  type InputLimitBreach,
  type InputLimitName,
  type InputLimits,
  inputLimitBreaches,
} from './input-limits.policy.js';
export {
  assertLadderWithinBounds,
  type LadderBoundBreach,
  type LadderBounds,
  ladderBoundBreaches,
  maxExplicitVideoKbps,
} from './ladder-bounds.policy.js';
export { type JobTimeLimit, jobTimeLimitMs } from './job-time-limit.policy.js';
export {
  type AudioStreamInfo,
  AudioStreamInfoSchema,
  type HdrTransfer,
  HdrTransferSchema,
  type MediaInfo,
  MediaInfoSchema,
  type Rational,
  RationalSchema,
  type VideoStreamInfo,
  VideoStreamInfoSchema,
} from './media-info.schema.js';
export { parseProbe, type ParseProbeOptions, statedDurationS } from './probe.parser.js';
export { buildDurationMeasureArgs, PACKET_TIMING_ENTRIES } from './duration-measure.args.js';
export { PacketSpanMeter } from './packet-span.meter.js';
export { formatRational, parseRational, rationalToNumber } from './rational.math.js';
export {
  DEFAULT_FFMPEG_CAPABILITIES,
  DEFAULT_LADDER_OPTIONS,
  DEFAULT_RUNGS,
  type FfmpegCapabilities,
  type LadderOptions,
  type LadderOptionsInput,
  LadderOptionsSchema,
  type LadderOverrides,
  LadderOverridesSchema,
  type Rung,
  RungSchema,
  X264_PRESETS,
  type X264Preset,
  X264PresetSchema,
} from './ladder.options.js';
export {
  type AudioOnlyTranscodePlan,
  AudioOnlyTranscodePlanSchema,
  type AudioPlan,
  AudioPlanSchema,
  type Rendition,
  RenditionSchema,
  type StoryboardPlan,
  StoryboardPlanSchema,
  type TranscodePlan,
  TranscodePlanSchema,
  type VideoSourcePlan,
  VideoSourcePlanSchema,
  type VideoTranscodePlan,
  VideoTranscodePlanSchema,
} from './transcode-plan.schema.js';
export { planLadder } from './ladder.planner.js';
export { cappedVideoKbps, h264EquivalentKbps, MIN_VIDEO_KBPS, rateControl, roundClean, tableVideoKbps } from './bitrate.table.js';
export { AAC_LC_CODEC_STRING, avc1HighCodecString, type H264Level, type LevelInput, pickH264Level } from './codec-string.js';
export { baseFrameRate, frameRateCap, gopFrames, renditionFrameRate } from './frame-rate.policy.js';
export { type RungFrame, type RungSelection, selectRungs } from './rung.selector.js';
export { type ChunkRange, type ChunkSettings, planChunks } from './chunk.planner.js';
export {
  buildChunkedAudioArgs,
  buildChunkVideoArgs,
  CHUNK_SEEK_LEAD_S,
  CHUNK_TIMELINE_OFFSET_S,
  type ChunkIo,
  plannedChunkFrames,
} from './chunk-args.builder.js';
export { firstFrameAtOrAfter, type TimeWindow, trimToWindow } from './time-window.js';
export { buildFilterComplex, renditionFilters, sourceColorFilters, STORYBOARD_LABEL } from './video-filter.builder.js';
export {
  AUDIO_GROUP_ID,
  MEDIA_PLAYLIST_NAME,
  mediaPlaylistUri,
  SEGMENT_NAME_PATTERN,
  segmentNamePattern,
} from './hls-layout.constants.js';
export {
  buildHlsArgs,
  buildVarStreamMap,
  DECODE_ERROR_ARGS,
  type HlsIo,
  MAX_DECODE_ERROR_RATE,
  PROGRESS_ARGS,
} from './hls-args.builder.js';
export { COMMON_FFMPEG_ARGS } from './ffmpeg-common.args.js';
export { ALLOWED_INPUT_FORMATS } from './input-formats.constants.js';
export { untrustedInputArgs } from './untrusted-input.args.js';
export { buildPosterArgs, type ImageIo, posterTimeS } from './poster-args.builder.js';
export {
  buildStoryboardTileArgs,
  planStoryboard,
  STORYBOARD_MAX_THUMBS,
  STORYBOARD_THUMB_PATTERN,
  STORYBOARD_THUMB_WIDTH,
  storyboardFilters,
  storyboardIntervalS,
  storyboardThumbnailRange,
  writeStoryboardVtt,
} from './storyboard.builder.js';
export { type BitrateMeasure, measureRendition, type SegmentSize } from './segment-measure.js';
export { type MasterPlaylistInput, writeMasterPlaylist } from './master-playlist.writer.js';
export { contiguousStoredSegments, type EventPlaylistInput, type PublishedSegment, writeEventPlaylist } from './event-playlist.writer.js';
export { plannedBitrates } from './planned-bitrates.js';
export { estimateEta, type EtaInput, MAX_RUNNING_PERCENT, progressPercent } from './progress.math.js';
export { describePlan } from './plan.describer.js';
