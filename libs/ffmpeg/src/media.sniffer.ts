import { ALLOWED_INPUT_FORMATS, assertWithinInputLimits, type InputLimits } from '@reelforge/media';
import { probeMedia } from './media.prober.js';

const SNIFF_TIMEOUT_MS = 30_000;

/** The facts a files row keeps about a sniffed input. */
export interface SniffedFacts {
  durationS: number | null;
  width: number | null;
  height: number | null;
}

export type MediaSniffer = (path: string) => Promise<SniffedFacts>;

/**
 * The sniff every new original goes through (uploads, URL imports): ffprobe through the accepted
 * demuxers only, then the operator's input limits, so a file that is not media or is too large to
 * encode is refused before anything is stored. Rejects with `invalid_media`, `unsupported_input` or
 * `input_too_large`.
 */
export function createMediaSniffer(limits: InputLimits): MediaSniffer {
  return async (file) => {
    // Browser recordings state no duration: probeMedia then measures it from the packets.
    const { info } = await probeMedia(file, { timeoutMs: SNIFF_TIMEOUT_MS, allowedFormats: ALLOWED_INPUT_FORMATS });
    assertWithinInputLimits(info, limits);
    return { durationS: info.durationS, width: info.video?.displayWidth ?? null, height: info.video?.displayHeight ?? null };
  };
}
