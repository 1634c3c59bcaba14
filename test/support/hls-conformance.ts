import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import HLS from 'hls-parser';

const run = promisify(execFile);

/** What one segment holds, from ffprobe (packets only: nothing is decoded, so it is cheap). */
interface SegmentProbe {
  uri: string;
  extinfS: number;
  bytes: number;
  streams: ProbedStream[];
  /** Video packets in file (decode) order. */
  videoPackets: { ptsS: number; key: boolean }[];
}

interface ProbedStream {
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  level?: number;
  pix_fmt?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
  color_transfer?: string;
  color_primaries?: string;
}

export interface VideoRenditionFacts {
  uri: string;
  width: number;
  height: number;
  fps: number;
  profile: string;
  level: number;
  pixFmt: string;
  colorTransfer: string | null;
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
  segments: number;
  durationS: number;
}

export interface AudioRenditionFacts {
  uri: string;
  codec: string;
  profile: string;
  channels: number;
  sampleRate: number;
  segments: number;
  durationS: number;
  /** Path of the first audio segment, relative to the output directory. */
  firstSegment: string;
}

export interface ConformanceReport {
  /** Every rule that was broken, in words; empty when the output conforms. */
  problems: string[];
  /** Video variants in master order (ascending bandwidth when conformant). */
  video: VideoRenditionFacts[];
  audio: AudioRenditionFacts | null;
  /** The master lists one variant that is audio only. */
  audioOnly: boolean;
}

export interface ConformanceOptions {
  /** Duration of the uploaded source; the output must match it within one target duration. */
  sourceDurationS: number;
}

/** A frame's worth of slack, at the lowest frame rate in the ladder, plus ffprobe's rounding. */
const frameSlack = (fps: number): number => 1 / fps + 0.002;

async function ffprobeSegment(file: string): Promise<Pick<SegmentProbe, 'streams' | 'videoPackets'>> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=index,codec_type,codec_name,profile,level,pix_fmt,width,height,r_frame_rate,sample_rate,channels,color_transfer,color_primaries' +
      ':packet=stream_index,pts_time,flags',
    '-of',
    'json',
    `file:${file}`,
  ]);
  const json = JSON.parse(stdout) as {
    streams?: (ProbedStream & { index: number })[];
    packets?: { stream_index: number; pts_time?: string; flags?: string }[];
  };
  const streams = json.streams ?? [];
  const videoIndex = streams.find((s) => s.codec_type === 'video')?.index;
  const videoPackets = (json.packets ?? [])
    .filter((p) => p.stream_index === videoIndex)
    .map((p) => ({ ptsS: Number(p.pts_time), key: (p.flags ?? '').startsWith('K') }));
  return { streams, videoPackets };
}

async function readMediaPlaylist(dir: string, uri: string, problems: string[]) {
  const playlist = HLS.parse(await readFile(path.join(dir, uri), 'utf8'));
  if (playlist.isMasterPlaylist) throw new Error(`${uri} is a master playlist, expected a media playlist`);
  // EVENT to the end: published while encoding, then ended (RFC 8216 §6.2.1 forbids changing the type).
  if (!playlist.endlist || playlist.playlistType !== 'EVENT') problems.push(`${uri}: not a finished EVENT playlist`);
  if (playlist.segments.length === 0) problems.push(`${uri}: no segments`);
  for (const segment of playlist.segments) {
    // RFC 8216 §4.3.3.1: each EXTINF, rounded to the nearest integer, is at most the target duration.
    if (Math.round(segment.duration) > playlist.targetDuration) {
      problems.push(`${uri}: ${segment.uri} lasts ${segment.duration} s, over EXT-X-TARGETDURATION ${playlist.targetDuration}`);
    }
  }
  const base = path.dirname(uri);
  const segments: SegmentProbe[] = await Promise.all(
    playlist.segments.map(async (segment) => {
      const file = path.join(dir, base, segment.uri);
      const [probe, info] = await Promise.all([ffprobeSegment(file), stat(file)]);
      return { uri: `${base}/${segment.uri}`, extinfS: segment.duration, bytes: info.size, ...probe };
    }),
  );
  return { playlist, segments, durationS: segments.reduce((sum, s) => sum + s.extinfS, 0) };
}

type Measured = Awaited<ReturnType<typeof readMediaPlaylist>>;

type Bounds = { low: number; high: number; average: number };

const bitsPerSecond = (bytes: number, seconds: number): number => (bytes * 8) / seconds;

/**
 * Bounds BANDWIDTH must sit within without re-implementing the writer: at least the bitrate of any
 * single segment the RFC's peak window covers (0.5–1.5 × target), at most the highest bitrate of any
 * one segment (a run of segments never exceeds its busiest member).
 */
function bandwidthBounds(measured: Measured): Bounds {
  const target = measured.playlist.targetDuration;
  const rates = measured.segments.map((s) => ({ bps: bitsPerSecond(s.bytes, s.extinfS), qualifies: s.extinfS >= 0.5 * target && s.extinfS <= 1.5 * target }));
  const totalBytes = measured.segments.reduce((sum, s) => sum + s.bytes, 0);
  const average = bitsPerSecond(totalBytes, measured.durationS);
  const qualifying = rates.filter((r) => r.qualifies).map((r) => r.bps);
  return {
    low: qualifying.length > 0 ? Math.max(...qualifying) : average,
    high: Math.max(average, ...rates.map((r) => r.bps)),
    average,
  };
}

function checkBandwidth(uri: string, declared: { bandwidth: number; averageBandwidth: number }, bounds: Bounds, problems: string[]): void {
  // AVERAGE-BANDWIDTH is measured on these very segments; only rounding may differ.
  if (Math.abs(declared.averageBandwidth - bounds.average) > Math.max(16, bounds.average * 0.01)) {
    problems.push(`${uri}: AVERAGE-BANDWIDTH ${declared.averageBandwidth}, segments average ${Math.round(bounds.average)} bit/s`);
  }
  if (declared.bandwidth < Math.floor(bounds.low) || declared.bandwidth > Math.ceil(bounds.high) + 2 || declared.bandwidth < declared.averageBandwidth) {
    problems.push(
      `${uri}: BANDWIDTH ${declared.bandwidth} outside what the segments allow (${Math.floor(bounds.low)}–${Math.ceil(bounds.high)}, average ${declared.averageBandwidth})`,
    );
  }
}

function checkVideoSegments(uri: string, measured: Measured, problems: string[]): void {
  for (const segment of measured.segments) {
    const streams = segment.streams.map((s) => s.codec_type);
    if (streams.includes('audio')) problems.push(`${segment.uri}: a video segment carries audio (audio must be shared through the group)`);
    const first = segment.videoPackets[0];
    if (!first) problems.push(`${segment.uri}: no video packets`);
    else if (!first.key) problems.push(`${segment.uri}: does not start with a keyframe`);
  }
  const video = measured.segments[0]?.streams.find((s) => s.codec_type === 'video');
  if (!video) problems.push(`${uri}: no video stream`);
}

/** Presentation time of the segment's first frame (packets arrive in decode order). */
function segmentStartS(segment: SegmentProbe): number {
  return Math.min(...segment.videoPackets.map((p) => p.ptsS));
}

/** Same number of segments, same EXTINF and the same first-frame instant in every rendition. */
function checkAlignment(renditions: { uri: string; fps: number; measured: Measured }[], problems: string[]): void {
  const [reference, ...others] = renditions;
  if (!reference) return;
  const slack = frameSlack(Math.min(...renditions.map((r) => r.fps)));
  for (const other of others) {
    const a = reference.measured.segments;
    const b = other.measured.segments;
    if (a.length !== b.length) {
      problems.push(`${other.uri} has ${b.length} segments, ${reference.uri} has ${a.length}`);
      continue;
    }
    a.forEach((segment, i) => {
      const peer = b[i] as SegmentProbe;
      if (Math.abs(segment.extinfS - peer.extinfS) > slack) {
        problems.push(`segment ${i}: EXTINF ${segment.extinfS} in ${reference.uri} vs ${peer.extinfS} in ${other.uri}`);
      }
      const start = segmentStartS(segment);
      const peerStart = segmentStartS(peer);
      if (Math.abs(start - peerStart) > slack) {
        problems.push(`segment ${i}: starts at ${start} s in ${reference.uri} but ${peerStart} s in ${other.uri}`);
      }
    });
  }
}

/**
 * Reads an HLS output directory (master.m3u8 and everything it names) and checks it the way a strict
 * player would: playlists parse, segment durations stay within the target, every segment starts on a
 * keyframe at the same instant in every rendition, durations match the source, and the master's
 * BANDWIDTH, AVERAGE-BANDWIDTH, RESOLUTION, FRAME-RATE and CODECS agree with the real segments.
 * Returns the facts it found plus a list of problems (empty when everything conforms).
 */
export async function checkHlsConformance(dir: string, options: ConformanceOptions): Promise<ConformanceReport> {
  const problems: string[] = [];
  const master = HLS.parse(await readFile(path.join(dir, 'master.m3u8'), 'utf8'));
  if (!master.isMasterPlaylist) throw new Error('master.m3u8 is not a master playlist');
  if (master.variants.length === 0) problems.push('master.m3u8 lists no variants');

  const bandwidths = master.variants.map((v) => v.bandwidth);
  if (bandwidths.some((bw, i) => i > 0 && bw < (bandwidths[i - 1] as number))) problems.push(`variants not in ascending BANDWIDTH: ${bandwidths.join(', ')}`);

  const audioUris = [...new Set(master.variants.flatMap((v) => v.audio.map((a) => a.uri).filter((u): u is string => u !== undefined)))];
  if (audioUris.length > 1) problems.push(`more than one audio rendition: ${audioUris.join(', ')}`);
  const audioOnly = master.variants.length === 1 && master.variants[0]?.resolution === undefined;
  const audioUri = audioUris[0] ?? (audioOnly ? master.variants[0]?.uri : undefined);
  const audioMeasured = audioUri ? await readMediaPlaylist(dir, audioUri, problems) : null;

  let audio: AudioRenditionFacts | null = null;
  if (audioUri && audioMeasured) {
    const stream = audioMeasured.segments[0]?.streams.find((s) => s.codec_type === 'audio');
    for (const segment of audioMeasured.segments) {
      if (segment.streams.some((s) => s.codec_type === 'video')) problems.push(`${segment.uri}: audio segment carries video`);
    }
    audio = {
      uri: audioUri,
      codec: stream?.codec_name ?? 'none',
      profile: stream?.profile ?? 'none',
      channels: stream?.channels ?? 0,
      sampleRate: Number(stream?.sample_rate ?? 0),
      segments: audioMeasured.segments.length,
      durationS: audioMeasured.durationS,
      firstSegment: audioMeasured.segments[0]?.uri ?? '',
    };
    for (const rendition of master.variants.flatMap((v) => v.audio)) {
      if (rendition.channels !== String(audio.channels)) problems.push(`EXT-X-MEDIA CHANNELS=${rendition.channels} but the stream has ${audio.channels}`);
    }
  }
  const audioBounds = audioMeasured ? bandwidthBounds(audioMeasured) : { low: 0, high: 0, average: 0 };
  const onlyVariant = master.variants[0];
  if (audioOnly && onlyVariant) {
    checkBandwidth(onlyVariant.uri, { bandwidth: onlyVariant.bandwidth, averageBandwidth: onlyVariant.averageBandwidth ?? 0 }, audioBounds, problems);
    if (onlyVariant.codecs !== 'mp4a.40.2') problems.push(`${onlyVariant.uri}: CODECS "${onlyVariant.codecs}" for an AAC-only variant`);
  }

  const video: VideoRenditionFacts[] = [];
  const aligned: { uri: string; fps: number; measured: Measured }[] = [];
  for (const variant of audioOnly ? [] : master.variants) {
    const measured = await readMediaPlaylist(dir, variant.uri, problems);
    checkVideoSegments(variant.uri, measured, problems);
    const stream = measured.segments[0]?.streams.find((s) => s.codec_type === 'video') ?? {};
    const [num, den] = (stream.r_frame_rate ?? '0/1').split('/').map(Number);
    const fps = Math.round(((num ?? 0) / (den || 1)) * 1000) / 1000;
    const facts: VideoRenditionFacts = {
      uri: variant.uri,
      width: stream.width ?? 0,
      height: stream.height ?? 0,
      fps,
      profile: stream.profile ?? 'none',
      level: stream.level ?? 0,
      pixFmt: stream.pix_fmt ?? 'none',
      colorTransfer: stream.color_transfer ?? null,
      bandwidth: variant.bandwidth,
      averageBandwidth: variant.averageBandwidth ?? 0,
      codecs: variant.codecs ?? '',
      segments: measured.segments.length,
      durationS: measured.durationS,
    };
    video.push(facts);
    aligned.push({ uri: variant.uri, fps, measured });

    const { width, height } = variant.resolution ?? { width: 0, height: 0 };
    if (width !== facts.width || height !== facts.height) problems.push(`${variant.uri}: RESOLUTION ${width}x${height} but segments are ${facts.width}x${facts.height}`);
    if (Math.abs((variant.frameRate ?? 0) - fps) > 0.01) problems.push(`${variant.uri}: FRAME-RATE ${variant.frameRate} but segments run at ${fps}`);
    checkCodecs(variant.uri, facts, audio !== null, problems);

    // A variant plays its video with the shared audio rendition, so both count.
    const bounds = bandwidthBounds(measured);
    const combined = { low: bounds.low + audioBounds.low, high: bounds.high + audioBounds.high, average: bounds.average + audioBounds.average };
    checkBandwidth(variant.uri, facts, combined, problems);
  }
  checkAlignment(aligned, problems);

  for (const measured of [...aligned.map((a) => a.measured), ...(audioMeasured ? [audioMeasured] : [])]) {
    const target = measured.playlist.targetDuration;
    if (Math.abs(measured.durationS - options.sourceDurationS) > target) {
      problems.push(`${measured.segments[0]?.uri ?? '?'}…: ${measured.durationS.toFixed(3)} s of media for a ${options.sourceDurationS.toFixed(3)} s source`);
    }
  }
  return { problems, video, audio, audioOnly };
}

const H264_PROFILE_IDC: Record<string, number> = { 'Constrained Baseline': 66, Baseline: 66, Main: 77, High: 100 };

/**
 * CODECS names the profile and level a player must support. x264 signals the lowest profile the
 * stream really uses (ultrafast output is Constrained Baseline), so the declared profile must be the
 * same or a superset (High ⊃ Main ⊃ Constrained Baseline), and the declared level at least the real one.
 */
function checkCodecs(uri: string, facts: VideoRenditionFacts, hasAudio: boolean, problems: string[]): void {
  const match = /^avc1\.([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(facts.codecs.split(',')[0] ?? '');
  if (!match) {
    problems.push(`${uri}: CODECS "${facts.codecs}" does not start with an avc1 codec string`);
    return;
  }
  const declaredProfile = parseInt(match[1] as string, 16);
  const declaredLevel = parseInt(match[3] as string, 16);
  const actualProfile = H264_PROFILE_IDC[facts.profile];
  if (actualProfile === undefined || actualProfile > declaredProfile) problems.push(`${uri}: CODECS profile ${declaredProfile} does not cover a ${facts.profile} stream`);
  if (facts.level > declaredLevel) problems.push(`${uri}: CODECS level ${declaredLevel} below the stream's ${facts.level}`);
  const audioCodec = facts.codecs.split(',')[1];
  if (hasAudio !== (audioCodec === 'mp4a.40.2')) problems.push(`${uri}: CODECS "${facts.codecs}" does not match the audio group`);
}
