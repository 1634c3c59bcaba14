export interface ProgressSample {
  /** 0-100. */
  progress: number;
  /** Omitted = unchanged. */
  stage?: string;
}

export interface ProgressWriterOptions {
  write: (sample: ProgressSample) => Promise<void>;
  /** A write is due when this much time passed since the last one... (default 1000 ms) */
  minIntervalMs?: number;
  /** ...or progress moved at least this much (default 1 percentage point). */
  minDelta?: number;
  /** Receives failed writes; the next due sample is written anyway, so a blip costs one tick. */
  onError: (error: unknown) => void;
  now?: () => number;
}

export interface ProgressWriter {
  /** Never throws and never waits; the latest sample wins. */
  update(sample: ProgressSample): void;
  /** Waits for the write in flight, then writes whatever is still pending, due or not. */
  flush(): Promise<void>;
}

interface Written extends ProgressSample {
  at: number;
}

/**
 * Throttles progress writes to the database: at most one write in flight, intermediate samples
 * coalesced, stage changes written as soon as the previous write returns. Samples are only looked at
 * when they arrive (no timer): ffmpeg reports often, and `flush()` settles the tail.
 */
export function createProgressWriter(options: ProgressWriterOptions): ProgressWriter {
  const minIntervalMs = options.minIntervalMs ?? 1000;
  const minDelta = options.minDelta ?? 1;
  const now = options.now ?? Date.now;

  let lastWritten: Written | undefined;
  let inFlight: Promise<void> | undefined;
  let pending: ProgressSample | undefined;
  /** Latest stage reported, so samples that omit it (and a retry after a failed write) keep it. */
  let stage: string | undefined;

  const sameAsWritten = (sample: ProgressSample): boolean =>
    lastWritten !== undefined && sample.progress === lastWritten.progress && sample.stage === lastWritten.stage;

  const isDue = (sample: ProgressSample): boolean => {
    if (lastWritten === undefined || sample.stage !== lastWritten.stage) return true;
    return now() - lastWritten.at >= minIntervalMs || Math.abs(sample.progress - lastWritten.progress) >= minDelta;
  };

  const reportError = (error: unknown): void => {
    try {
      options.onError(error);
    } catch {
      // A throwing error handler must not turn into an unhandled rejection.
    }
  };

  const start = (sample: ProgressSample): void => {
    pending = undefined;
    const written: Written = { ...sample, at: now() };
    let writing: Promise<void>;
    try {
      writing = options.write(sample);
    } catch (error) {
      writing = Promise.reject(error);
    }
    inFlight = writing
      .then(() => {
        lastWritten = written;
      }, reportError)
      .finally(() => {
        inFlight = undefined;
        pump();
      });
  };

  const pump = (): void => {
    if (inFlight !== undefined || pending === undefined) return;
    if (sameAsWritten(pending)) {
      pending = undefined;
      return;
    }
    if (isDue(pending)) start(pending);
  };

  return {
    update(sample) {
      stage = sample.stage ?? stage;
      pending = stage === undefined ? { progress: sample.progress } : { progress: sample.progress, stage };
      pump();
    },
    async flush() {
      for (;;) {
        if (inFlight !== undefined) {
          await inFlight;
        } else if (pending !== undefined && !sameAsWritten(pending)) {
          start(pending);
        } else {
          pending = undefined;
          return;
        }
      }
    },
  };
}
