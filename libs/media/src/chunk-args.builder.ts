import type { ChunkRange } from './chunk.planner.js';
import { COMMON_FFMPEG_ARGS } from './ffmpeg-common.args.js';
import { audioArgs, DECODE_ERROR_ARGS, hlsMuxerArgs, PROGRESS_ARGS, varStreamMap, videoEncoderArgs } from './hls-args.builder.js';
import { storyboardThumbnailRange } from './storyboard.builder.js';
import { firstFrameAtOrAfter, type TimeWindow } from './time-window.js';
import type { TranscodePlan, VideoTranscodePlan } from './transcode-plan.schema.js';
import { untrustedInputArgs } from './untrusted-input.args.js';
import { buildFilterComplex, STORYBOARD_LABEL } from './video-filter.builder.js';

export interface ChunkIo {
  input: string;
  /** Renditions land in <outputDir>/<name>/index.m3u8 + segments, as with buildHlsArgs. */
  outputDir: string;
  /** Names segments `seg_a<attempt>_00000.ts`, as with buildHlsArgs. */
  attempt?: number;
  /** The image2 pattern of the storyboard thumbnails (STORYBOARD_THUMB_PATTERN); a chunk writes its own, numbered as in the whole sheet. */
  storyboardThumbnails?: string;
}

/**
 * Every chunk, and the separately encoded audio, keep the input's own timestamps (less its start
 * time: -copyts -start_at_zero), so a frame at t s in the input is at t s in whichever chunk encodes
 * it, and chunks butt together without arithmetic on timestamps.
 */
const INPUT_TIMELINE_ARGS: readonly string[] = ['-copyts', '-start_at_zero'];

/**
 * Added to every chunked output's timestamps (then MPEG-TS adds its own 1.4 s). Without it the first
 * chunk's decode timestamps start below zero (x264's B-frame delay; AAC's priming samples) and the
 * muxer shifts that chunk alone forward, overlapping the next one. Any value above the largest such
 * delay works; the same for every chunk and the audio keeps them all on one timeline.
 */
export const CHUNK_TIMELINE_OFFSET_S = 10;
const OUTPUT_OFFSET_ARGS: readonly string[] = ['-output_ts_offset', String(CHUNK_TIMELINE_OFFSET_S)];

/**
 * The input is opened this much before the chunk's start (and from the keyframe before that, no
 * accurate seek): the fps filter needs the frame that is showing at the chunk's first instant, which
 * in a variable-frame-rate source can be one from before it, and a demuxer's seek may land a little late.
 */
export const CHUNK_SEEK_LEAD_S = 1;

/**
 * Opens another stream the single pass also uses, and writes none of it (-t 0; a packet limit such as
 * -frames 1 would keep ffmpeg 5.1 reading and decoding to the end of the input). For MPEG-TS and
 * other inputs whose timestamps may jump, ffmpeg moves the zero of the timeline to the earliest start
 * of the streams a process uses: a process that read only the video would put the video's first frame
 * at 0 and one that read only the audio its first sample, losing the gap between them (A/V sync).
 * Using the same streams as the single pass gives every process the single pass's zero.
 */
function sameStreamsAsSinglePass(streamIndex: number): string[] {
  return ['-map', `0:${streamIndex}`, '-c', 'copy', '-t', '0', '-f', 'null', '-'];
}

/**
 * The chunk's thumbnails, numbered as in the whole sheet (image2 counts from 1: thumbnail i is file
 * i + 1). A chunk before the last stops after its own: `fps` only lets a thumbnail out once it has
 * seen a frame from half an interval later, and the trim's end would take a whole interval more of
 * decoding past the chunk (minutes, with the 2-minute interval of a 3-hour video).
 */
function storyboardOutputArgs(chunk: ChunkRange, thumbs: { first: number; end: number }, pattern: string): string[] {
  const limit = chunk.last ? [] : ['-frames:v', String(thumbs.end - thumbs.first)];
  return ['-map', STORYBOARD_LABEL, ...limit, '-f', 'image2', '-start_number', String(thumbs.first + 1), pattern];
}

function chunkWindow(chunk: ChunkRange): TimeWindow {
  return { startS: chunk.startS, endS: chunk.last ? null : chunk.startS + chunk.durationS };
}

function seekArgs(chunk: ChunkRange): string[] {
  return ['-noaccurate_seek', '-ss', String(Math.max(0, chunk.startS - CHUNK_SEEK_LEAD_S))];
}

/**
 * How many frames of the top rendition a chunk writes (the last one: up to the planned duration),
 * to turn the `frame=` of its progress reports into a share done. Its out_time_us means nothing:
 * with -copyts and several output streams, ffmpeg 5.1 subtracts the first timestamp once per stream.
 */
export function plannedChunkFrames(plan: VideoTranscodePlan, chunk: ChunkRange): number {
  const top = plan.renditions[0];
  if (!top) throw new RangeError('a video plan has at least one rendition');
  const { num, den } = top.frameRate;
  const end = chunk.last ? Math.ceil(((chunk.startS + chunk.durationS) * num) / den - 1e-9) : firstFrameAtOrAfter(chunk.startS + chunk.durationS, top.frameRate);
  return end - firstFrameAtOrAfter(chunk.startS, top.frameRate);
}

/**
 * One chunk's ffmpeg process: every video rung for the chunk's range, no audio, as HLS EVENT output
 * laid out like buildHlsArgs (segments numbered from chunk.firstSegment). Frames are picked on the
 * constant-rate grid of the whole input, so the chunks together hold exactly the single pass's frames,
 * with keyframes and segment boundaries at the same instants. The storyboard thumbnails whose time
 * falls in the range are written with their numbers in the whole sheet.
 */
export function buildChunkVideoArgs(plan: VideoTranscodePlan, chunk: ChunkRange, io: ChunkIo): string[] {
  const window = chunkWindow(chunk);
  const thumbs = storyboardThumbnailRange(plan.storyboard, window);
  const thumbnails = io.storyboardThumbnails !== undefined && thumbs.end > thumbs.first ? io.storyboardThumbnails : undefined;
  return [
    ...COMMON_FFMPEG_ARGS,
    ...PROGRESS_ARGS,
    ...DECODE_ERROR_ARGS,
    ...INPUT_TIMELINE_ARGS,
    ...seekArgs(chunk),
    ...untrustedInputArgs(io.input),
    '-filter_complex',
    buildFilterComplex(plan, thumbnails === undefined ? undefined : plan.storyboard, window),
    ...videoEncoderArgs(plan, chunk.startS),
    // The fps filter already made the rate constant; `cfr` here would fill the time from 0 to the
    // chunk's start with copies of its first frame.
    '-fps_mode:v',
    'passthrough',
    ...OUTPUT_OFFSET_ARGS,
    ...hlsMuxerArgs({
      segmentSeconds: plan.segmentSeconds,
      varStreamMap: varStreamMap(plan.renditions, null, false),
      outputDir: io.outputDir,
      attempt: io.attempt,
      startNumber: chunk.firstSegment,
    }),
    ...(thumbnails === undefined ? [] : storyboardOutputArgs(chunk, thumbs, thumbnails)),
    ...(plan.audio ? sameStreamsAsSinglePass(plan.audio.streamIndex) : []),
  ];
}

/**
 * The audio rendition alone, for the whole input, on the chunks' timeline (<outputDir>/audio/): it
 * takes a fraction of a video chunk's time, so the job can be playable as soon as the first chunk is.
 */
export function buildChunkedAudioArgs(plan: TranscodePlan, io: ChunkIo): string[] {
  if (!plan.audio) throw new RangeError('the plan has no audio to encode');
  return [
    ...COMMON_FFMPEG_ARGS,
    ...PROGRESS_ARGS,
    ...DECODE_ERROR_ARGS,
    ...INPUT_TIMELINE_ARGS,
    ...untrustedInputArgs(io.input),
    ...audioArgs(plan.audio),
    ...OUTPUT_OFFSET_ARGS,
    ...hlsMuxerArgs({
      segmentSeconds: plan.segmentSeconds,
      varStreamMap: varStreamMap([], plan.audio, false),
      outputDir: io.outputDir,
      attempt: io.attempt,
    }),
    ...(plan.hasVideo ? sameStreamsAsSinglePass(plan.video.streamIndex) : []),
  ];
}
