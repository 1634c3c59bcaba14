import { estimateEta, MAX_RUNNING_PERCENT, progressPercent } from '@reelforge/media';
import type { TranscodeProgress } from '@reelforge/queue';

type Stage = TranscodeProgress['stage'];

/** Share of the overall percent each stage covers; encoding dominates the wall time. */
const STAGE_SPAN: Record<Exclude<Stage, 'queued' | 'done'>, [number, number]> = {
  probing: [0, 2],
  encoding: [2, 92],
  uploading: [92, 98],
  finalizing: [98, MAX_RUNNING_PERCENT],
};

export interface ProgressSink {
  (progress: TranscodeProgress): void;
}

/**
 * Turns stage changes and ffmpeg's out_time into one honest, monotonic percent with an ETA, and
 * hands each sample to the sinks (BullMQ job progress, the throttled Postgres writer).
 * 100 is reserved for the completed state, which the caller sets.
 */
export class ProgressReporter {
  private stage: Stage = 'queued';
  private percent = 0;
  private readonly startedAt: number;
  private encodingFrom: number | undefined;
  private encodingTo: number | undefined;
  private mediaDurationS = 0;

  constructor(
    private readonly sink: ProgressSink,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  enter(stage: Exclude<Stage, 'queued' | 'done'>): void {
    if (stage === 'encoding') this.encodingFrom = this.now();
    else if (this.stage === 'encoding') this.encodingTo = this.now();
    this.stage = stage;
    this.emit(STAGE_SPAN[stage][0], null);
  }

  /** ffmpeg's position in the output against the probed duration. */
  encoding(outTimeMs: number | null, durationS: number, speed: number | null): void {
    this.mediaDurationS = durationS;
    if (outTimeMs === null) return;
    const [from, to] = STAGE_SPAN.encoding;
    const stagePercent = progressPercent(outTimeMs * 1000, durationS);
    this.emit(from + ((to - from) * stagePercent) / 100, speed);
  }

  /** Fraction of the current stage done, for stages measured in items (files uploaded). */
  within(fraction: number): void {
    if (this.stage === 'queued' || this.stage === 'done') return;
    const [from, to] = STAGE_SPAN[this.stage];
    this.emit(from + (to - from) * Math.min(Math.max(fraction, 0), 1), null);
  }

  current(): TranscodeProgress {
    return this.sample(null);
  }

  /** Media seconds per wall-clock second of the whole encoding stage (x realtime); null until it is over. */
  encodeSpeed(): number | null {
    if (this.encodingFrom === undefined || this.encodingTo === undefined || !(this.mediaDurationS > 0)) return null;
    const wallS = (this.encodingTo - this.encodingFrom) / 1000;
    return wallS > 0 ? this.mediaDurationS / wallS : null;
  }

  private emit(percent: number, speed: number | null): void {
    this.percent = Math.max(this.percent, Math.min(percent, MAX_RUNNING_PERCENT));
    this.sink(this.sample(speed));
  }

  private sample(speed: number | null): TranscodeProgress {
    const percent = Math.round(this.percent * 10) / 10;
    const etaMs = estimateEta({ percent, elapsedMs: this.now() - this.startedAt });
    return { stage: this.stage, percent, etaSeconds: etaMs === null ? null : Math.round(etaMs / 1000), speed };
  }
}
