import type { Stream } from 'node:stream';

export type PipeSide = 'source' | 'sink';

export interface PipeFailure {
  side: PipeSide;
  error: unknown;
}

/**
 * Remembers which end of a pipe failed first. `pipeline()` destroys every stream with the first
 * error, so afterwards a disk error also shows up on the source; the caller needs the origin to
 * tell "the client's body broke" (rethrow as is) from "storage broke" (StorageError).
 */
export class PipeFailureTracker {
  private firstFailure: PipeFailure | undefined;
  private readonly cleanups: (() => void)[] = [];

  watch(stream: Stream, side: PipeSide): void {
    const onError = (error: unknown): void => this.record(side, error);
    stream.once('error', onError);
    this.cleanups.push(() => stream.off('error', onError));
  }

  record(side: PipeSide, error: unknown): void {
    this.firstFailure ??= { side, error };
  }

  get first(): PipeFailure | undefined {
    return this.firstFailure;
  }

  dispose(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }
}
