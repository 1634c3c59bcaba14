import { untrustedInputArgs } from './untrusted-input.args.js';

/** Per packet: stream type and timing, the only fields the duration measure reads. */
export const PACKET_TIMING_ENTRIES = 'packet=codec_type,pts_time,dts_time,duration_time';

/**
 * ffprobe arguments that list every packet's timing (demuxing only, nothing is decoded), for inputs
 * whose container states no duration: browser recordings (MediaRecorder WebM has no Duration element
 * and no Cues). One `key=value|…` line per packet, read by PacketSpanMeter. The input is opened like
 * every other untrusted read: `file:` only, accepted demuxers only.
 */
export function buildDurationMeasureArgs(input: string): string[] {
  return ['-v', 'error', '-hide_banner', '-show_entries', PACKET_TIMING_ENTRIES, '-print_format', 'compact=p=0', ...untrustedInputArgs(input)];
}
