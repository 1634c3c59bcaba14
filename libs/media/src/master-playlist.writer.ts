import { AUDIO_GROUP_ID, mediaPlaylistUri } from './hls-layout.constants.js';
import type { BitrateMeasure } from './segment-measure.js';
import type { AudioPlan, Rendition, TranscodePlan } from './transcode-plan.schema.js';

export interface MasterPlaylistInput {
  plan: TranscodePlan;
  /** Measured bitrates by rendition name ("1080p", ..., and "audio" when the plan has audio). */
  measurements: Readonly<Record<string, BitrateMeasure>>;
}

/**
 * Every tag here is compatible with protocol version 1 (RFC 8216 §7 requires nothing higher for
 * EXT-X-MEDIA, EXT-X-INDEPENDENT-SEGMENTS, AVERAGE-BANDWIDTH, FRAME-RATE or CHANNELS), but
 * EXT-X-VERSION speaks for the playlist and its associated media, and the media playlists use
 * floating-point EXTINF durations, which need version 3. So 3 is the lowest correct value.
 */
const MASTER_PLAYLIST_VERSION = 3;

function measurementOf(measurements: MasterPlaylistInput['measurements'], name: string): BitrateMeasure {
  const measure = measurements[name];
  if (!measure) throw new RangeError(`no bitrate measurement for rendition "${name}"`);
  return measure;
}

function audioMediaTag(audio: AudioPlan): string {
  return (
    `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${AUDIO_GROUP_ID}",NAME="${audio.name}",DEFAULT=YES,AUTOSELECT=YES,` +
    `CHANNELS="${audio.channels}",URI="${mediaPlaylistUri(audio.name)}"`
  );
}

interface Variant {
  bandwidth: number;
  averageBandwidth: number;
  attributes: string[];
  uri: string;
}

function videoVariant(rendition: Rendition, video: BitrateMeasure, audio: AudioPlan | null, audioMeasure: BitrateMeasure | null): Variant {
  const codecs = audio ? `${rendition.codecs},${audio.codecs}` : rendition.codecs;
  return {
    // A variant plays its video with the audio rendition, so both peaks add up (RFC 8216 §4.3.4.2).
    bandwidth: video.peakBps + (audioMeasure?.peakBps ?? 0),
    averageBandwidth: video.averageBps + (audioMeasure?.averageBps ?? 0),
    attributes: [
      `RESOLUTION=${rendition.width}x${rendition.height}`,
      `FRAME-RATE=${rendition.fps.toFixed(3)}`,
      `CODECS="${codecs}"`,
      ...(audio ? [`AUDIO="${AUDIO_GROUP_ID}"`] : []),
    ],
    uri: mediaPlaylistUri(rendition.name),
  };
}

function streamInf(variant: Variant): string {
  const attributes = [`BANDWIDTH=${variant.bandwidth}`, `AVERAGE-BANDWIDTH=${variant.averageBandwidth}`, ...variant.attributes];
  return `#EXT-X-STREAM-INF:${attributes.join(',')}\n${variant.uri}`;
}

/**
 * master.m3u8 from the plan and bitrates measured on the real segments: one shared audio group, video
 * variants in ascending BANDWIDTH. An audio-only plan lists its one audio variant and no group.
 */
export function writeMasterPlaylist(input: MasterPlaylistInput): string {
  const { plan, measurements } = input;
  const header = ['#EXTM3U', `#EXT-X-VERSION:${MASTER_PLAYLIST_VERSION}`, '#EXT-X-INDEPENDENT-SEGMENTS'];

  if (!plan.hasVideo) {
    const measure = measurementOf(measurements, plan.audio.name);
    const variant: Variant = {
      bandwidth: measure.peakBps,
      averageBandwidth: measure.averageBps,
      attributes: [`CODECS="${plan.audio.codecs}"`],
      uri: mediaPlaylistUri(plan.audio.name),
    };
    return [...header, streamInf(variant)].join('\n') + '\n';
  }

  const audioMeasure = plan.audio ? measurementOf(measurements, plan.audio.name) : null;
  const variants = plan.renditions
    .map((rendition) => videoVariant(rendition, measurementOf(measurements, rendition.name), plan.audio, audioMeasure))
    .sort((a, b) => a.bandwidth - b.bandwidth);
  const media = plan.audio ? [audioMediaTag(plan.audio)] : [];
  return [...header, ...media, ...variants.map(streamInf)].join('\n') + '\n';
}
