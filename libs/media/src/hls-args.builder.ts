import { COMMON_FFMPEG_ARGS } from './ffmpeg-common.args.js';
import { untrustedInputArgs } from './untrusted-input.args.js';
import { AUDIO_GROUP_ID, joinPath, MEDIA_PLAYLIST_NAME, segmentNamePattern } from './hls-layout.constants.js';
import type { AudioPlan, Rendition, TranscodePlan, VideoTranscodePlan } from './transcode-plan.schema.js';
import { buildFilterComplex, renditionLabel, STORYBOARD_LABEL } from './video-filter.builder.js';

export interface HlsIo {
  input: string;
  /** Renditions land in <outputDir>/<name>/index.m3u8 + segments; ffmpeg creates the subdirectories. */
  outputDir: string;
  /** Names segments `seg_a<attempt>_00000.ts` so no two attempts share a (CDN-cached) segment URL. */
  attempt?: number;
  /**
   * An image2 pattern such as `<dir>/thumb_%04d.png` (STORYBOARD_THUMB_PATTERN): for a plan with
   * video, the same pass also writes the storyboard thumbnails there (the plan's storyboard timing and
   * size), so the source is decoded once for ladder and storyboard; buildStoryboardTileArgs then
   * tiles them into the sheet. Not the sheet itself: an output that only gets its frame at the end
   * keeps ffmpeg from writing any -progress report until then.
   */
  storyboardThumbnails?: string;
}

/** Machine-readable progress (key=value blocks, out_time_us) on stdout every 0.5 s. */
export const PROGRESS_ARGS: readonly string[] = ['-progress', 'pipe:1', '-nostats', '-stats_period', '0.5'];

/**
 * ffmpeg conceals undecodable packets and exits 0, so a damaged upload would silently become a
 * glitched ladder. Past this share of failed packets ffmpeg exits with code 69 instead, which the
 * worker reports as invalid_media. Below it the damage is concealed and the job succeeds: a capture
 * cut between keyframes or one bad packet should not cost the user the whole video. (`-xerror` would
 * fail on the first bad packet, and also on a recording whose last packet was cut short.)
 */
export const MAX_DECODE_ERROR_RATE = 0.05;
export const DECODE_ERROR_ARGS: readonly string[] = ['-max_error_rate', String(MAX_DECODE_ERROR_RATE)];

/**
 * Arguments for ONE ffmpeg process that decodes the input once and writes every rendition plus a single
 * audio rendition as HLS (MPEG-TS segments, EVENT playlists), and the storyboard thumbnails as a second
 * output when asked. The master playlist is not written by ffmpeg (ffmpeg 5.1 leaves out
 * AVERAGE-BANDWIDTH and FRAME-RATE): see writeMasterPlaylist.
 */
export function buildHlsArgs(plan: TranscodePlan, io: HlsIo): string[] {
  const thumbnails = plan.hasVideo ? io.storyboardThumbnails : undefined;
  return [
    ...COMMON_FFMPEG_ARGS,
    ...PROGRESS_ARGS,
    ...DECODE_ERROR_ARGS,
    ...untrustedInputArgs(io.input),
    ...(plan.hasVideo ? videoArgs(plan, thumbnails !== undefined) : []),
    ...(plan.audio ? audioArgs(plan.audio) : []),
    ...hlsMuxerArgs({ segmentSeconds: plan.segmentSeconds, varStreamMap: buildVarStreamMap(plan), outputDir: io.outputDir, attempt: io.attempt }),
    // Options after the HLS output name belong to this second output only: one lossless PNG per thumbnail.
    ...(thumbnails !== undefined ? ['-map', STORYBOARD_LABEL, '-f', 'image2', thumbnails] : []),
  ];
}

function videoArgs(plan: VideoTranscodePlan, withStoryboard: boolean): string[] {
  return [
    '-filter_complex',
    buildFilterComplex(plan, withStoryboard ? plan.storyboard : undefined),
    ...videoEncoderArgs(plan, 0),
    // Variable-frame-rate input leaves as constant frame rate (the fps filter sets the rate).
    '-fps_mode:v',
    'cfr',
  ];
}

/**
 * Every rendition's x264 settings, and keyframes exactly on segment boundaries in every rendition,
 * whatever the GOP arithmetic says (29.97 fps × 4 s is not a whole number of frames), so players can
 * switch at any segment. `t` is the frame's time on the output timeline; a chunk's frames keep the
 * whole input's timeline, so its first forced keyframe is at its own start `fromS`.
 */
export function videoEncoderArgs(plan: VideoTranscodePlan, fromS: number): string[] {
  const nextBoundary = fromS === 0 ? `n_forced*${plan.segmentSeconds}` : `${fromS}+n_forced*${plan.segmentSeconds}`;
  return [
    ...plan.renditions.flatMap((rendition, i) => x264Args(rendition, i, plan.preset)),
    '-force_key_frames:v',
    `expr:gte(t,${nextBoundary})`,
  ];
}

function x264Args(rendition: Rendition, i: number, preset: string): string[] {
  const gop = String(rendition.gop);
  return [
    '-map',
    renditionLabel(i),
    `-c:v:${i}`,
    'libx264',
    `-preset:v:${i}`,
    preset,
    `-profile:v:${i}`,
    rendition.profile,
    `-level:v:${i}`,
    rendition.level,
    `-b:v:${i}`,
    `${rendition.videoBitrateKbps}k`,
    `-maxrate:v:${i}`,
    `${rendition.maxrateKbps}k`,
    `-bufsize:v:${i}`,
    `${rendition.bufsizeKbps}k`,
    // Fixed GOP, no scene-cut keyframes: segments start on a keyframe at the same instant everywhere.
    `-g:v:${i}`,
    gop,
    `-keyint_min:v:${i}`,
    gop,
    `-sc_threshold:v:${i}`,
    '0',
  ];
}

/** Encoded once, muxed as its own rendition that every video variant references (no copy per variant). */
export function audioArgs(audio: AudioPlan): string[] {
  return [
    '-map',
    `0:${audio.streamIndex}`,
    '-c:a',
    'aac',
    '-b:a',
    `${audio.bitrateKbps}k`,
    '-ac',
    String(audio.channels),
    '-ar',
    String(audio.sampleRate),
  ];
}

/** "v:0,agroup:aud,name:1080p v:1,agroup:aud,name:720p a:0,agroup:aud,name:audio" */
export function buildVarStreamMap(plan: TranscodePlan): string {
  return varStreamMap(plan.renditions, plan.audio, plan.audio !== null && plan.hasVideo);
}

/** The var_stream_map of an output holding these renditions and this audio; `grouped` ties the video variants to the audio group. */
export function varStreamMap(renditions: readonly Rendition[], audio: AudioPlan | null, grouped: boolean): string {
  const group = grouped ? `,agroup:${AUDIO_GROUP_ID}` : '';
  const video = renditions.map((rendition, i) => `v:${i}${group},name:${rendition.name}`);
  const audioEntry = audio ? [`a:0${group},name:${audio.name}`] : [];
  return [...video, ...audioEntry].join(' ');
}

/** Where and how an HLS output is written; a chunk numbers its segments from its place in the whole (startNumber). */
export interface HlsOutput {
  segmentSeconds: number;
  varStreamMap: string;
  outputDir: string;
  attempt?: number;
  startNumber?: number;
}

export function hlsMuxerArgs(output: HlsOutput): string[] {
  return [
    '-f',
    'hls',
    '-hls_time',
    String(output.segmentSeconds),
    // event: ffmpeg rewrites each local playlist after every segment (vod writes it only at the end),
    // which is where the worker learns segment durations while it publishes playlists of its own.
    '-hls_playlist_type',
    'event',
    '-hls_flags',
    // temp_file: a segment appears under its name only once complete, so it can be uploaded while ffmpeg goes on.
    'independent_segments+temp_file',
    '-hls_segment_type',
    'mpegts',
    ...(output.startNumber === undefined ? [] : ['-start_number', String(output.startNumber)]),
    '-hls_segment_filename',
    joinPath(output.outputDir, '%v', segmentNamePattern(output.attempt)),
    '-var_stream_map',
    output.varStreamMap,
    joinPath(output.outputDir, '%v', MEDIA_PLAYLIST_NAME),
  ];
}
