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
    ...hlsMuxerArgs(plan, io),
    // Options after the HLS output name belong to this second output only: one lossless PNG per thumbnail.
    ...(thumbnails !== undefined ? ['-map', STORYBOARD_LABEL, '-f', 'image2', thumbnails] : []),
  ];
}

function videoArgs(plan: VideoTranscodePlan, withStoryboard: boolean): string[] {
  return [
    '-filter_complex',
    buildFilterComplex(plan, withStoryboard ? plan.storyboard : undefined),
    ...plan.renditions.flatMap((rendition, i) => x264Args(rendition, i, plan.preset)),
    // Keyframes exactly on segment boundaries in every rendition, whatever the GOP arithmetic says
    // (29.97 fps × 4 s is not a whole number of frames), so players can switch at any segment.
    '-force_key_frames:v',
    `expr:gte(t,n_forced*${plan.segmentSeconds})`,
    // Variable-frame-rate input leaves as constant frame rate (the fps filter sets the rate).
    '-fps_mode:v',
    'cfr',
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
function audioArgs(audio: AudioPlan): string[] {
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
  const group = plan.audio && plan.hasVideo ? `,agroup:${AUDIO_GROUP_ID}` : '';
  const video = plan.renditions.map((rendition, i) => `v:${i}${group},name:${rendition.name}`);
  const audio = plan.audio ? [`a:0${group},name:${plan.audio.name}`] : [];
  return [...video, ...audio].join(' ');
}

function hlsMuxerArgs(plan: TranscodePlan, io: HlsIo): string[] {
  return [
    '-f',
    'hls',
    '-hls_time',
    String(plan.segmentSeconds),
    // event: ffmpeg rewrites each local playlist after every segment (vod writes it only at the end),
    // which is where the worker learns segment durations while it publishes playlists of its own.
    '-hls_playlist_type',
    'event',
    '-hls_flags',
    // temp_file: a segment appears under its name only once complete, so it can be uploaded while ffmpeg goes on.
    'independent_segments+temp_file',
    '-hls_segment_type',
    'mpegts',
    '-hls_segment_filename',
    joinPath(io.outputDir, '%v', segmentNamePattern(io.attempt)),
    '-var_stream_map',
    buildVarStreamMap(plan),
    joinPath(io.outputDir, '%v', MEDIA_PLAYLIST_NAME),
  ];
}
