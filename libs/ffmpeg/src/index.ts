export { runFfmpeg, DEFAULT_KILL_GRACE_MS, DEFAULT_STDERR_TAIL_BYTES, type RunFfmpegOptions, type FfmpegRunResult } from './ffmpeg.runner.js';
export { probe, ffprobeArgs, DEFAULT_PROBE_TIMEOUT_MS, type ProbeOptions } from './ffprobe.prober.js';
export { measureDuration, DEFAULT_MEASURE_TIMEOUT_MS, type MeasureDurationOptions } from './duration.meter.js';
export { probeMedia, type ProbeMediaOptions, type ProbedMedia } from './media.prober.js';
export { checkFfmpeg, checkFfprobe, type FfmpegCapabilities, type CheckFfmpegOptions } from './capabilities.checker.js';
export { ProgressParser, parseProgressBlock, parseProgressLine, type FfmpegProgress } from './progress.parser.js';
export { classifyFfmpegFailure, type FfmpegFailure, type FfmpegFailureKind } from './failure.classifier.js';
export {
  FfmpegError,
  ProbeFailedError,
  ProbeTimeoutError,
  FfmpegNotFoundError,
  FfmpegFailedError,
  FfmpegCancelledError,
  DECODE_ERROR_RATE_EXIT_CODE,
  type FfmpegExit,
} from './ffmpeg.errors.js';
export { createMediaSniffer, type MediaSniffer, type SniffedFacts } from './media.sniffer.js';
