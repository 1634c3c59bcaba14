import { parseProbe, statedDurationS, type MediaInfo } from '@reelforge/media';
import { measureDuration } from './duration.meter.js';
import { probe, type ProbeOptions } from './ffprobe.prober.js';

export interface ProbeMediaOptions extends ProbeOptions {
  /** Time limit of the duration measure, when one is needed (default DEFAULT_MEASURE_TIMEOUT_MS). */
  measureTimeoutMs?: number;
}

export interface ProbedMedia {
  info: MediaInfo;
  /** Where `info.durationS` came from: what the container states, or the packets measured because it states none. */
  durationFrom: 'container' | 'packets';
}

/**
 * ffprobe, then MediaInfo. When the container states no duration (browser recordings: MediaRecorder
 * WebM has neither Duration nor Cues), a second, demux-only pass measures it from the packets; files
 * that state one never pay for that pass.
 * @throws InvalidMediaError (libs/media) when the output does not describe playable media.
 */
export async function probeMedia(path: string, options: ProbeMediaOptions = {}): Promise<ProbedMedia> {
  const raw = await probe(path, options);
  if (statedDurationS(raw) !== null) return { info: parseProbe(raw), durationFrom: 'container' };
  const measuredDurationS = await measureDuration(path, {
    signal: options.signal,
    timeoutMs: options.measureTimeoutMs,
    ffprobePath: options.ffprobePath,
    orphanGuard: options.orphanGuard,
  });
  return { info: parseProbe(raw, { measuredDurationS }), durationFrom: 'packets' };
}
