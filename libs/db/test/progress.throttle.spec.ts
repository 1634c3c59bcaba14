import { describe, expect, it } from '@jest/globals';
import { createProgressWriter, type ProgressSample } from '../src/index.js';

/** A write that stays in flight until the test releases it. */
function harness(options: { minIntervalMs?: number; minDelta?: number } = {}) {
  let clock = 0;
  const writes: ProgressSample[] = [];
  const releases: Array<(error?: Error) => void> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const errors: unknown[] = [];
  const writer = createProgressWriter({
    ...options,
    now: () => clock,
    onError: (error) => errors.push(error),
    write: (sample) => {
      writes.push(sample);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<void>((resolve, reject) => {
        releases.push((error) => {
          inFlight -= 1;
          if (error) reject(error);
          else resolve();
        });
      });
    },
  });
  const settle = async (error?: Error): Promise<void> => {
    releases.shift()!(error);
    // Let the write's continuation (bookkeeping, next write) run.
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
  };
  return {
    writer,
    writes,
    errors,
    settle,
    advance: (ms: number) => {
      clock += ms;
    },
    maxInFlight: () => maxInFlight,
    pendingWrites: () => releases.length,
  };
}

describe('createProgressWriter', () => {
  it('when the first sample arrives, then it is written at once', () => {
    const h = harness();
    h.writer.update({ progress: 0.2, stage: 'encoding' });
    expect(h.writes).toEqual([{ progress: 0.2, stage: 'encoding' }]);
  });

  it('when samples move less than minDelta within minIntervalMs, then they are held back', async () => {
    const h = harness({ minIntervalMs: 1000, minDelta: 1 });
    h.writer.update({ progress: 10, stage: 'encoding' });
    await h.settle();
    h.advance(100);
    h.writer.update({ progress: 10.5 });
    h.advance(100);
    h.writer.update({ progress: 10.9 });
    expect(h.writes).toHaveLength(1);
  });

  it('when progress moves by minDelta, then it is written without waiting for the interval', async () => {
    const h = harness({ minIntervalMs: 1000, minDelta: 1 });
    h.writer.update({ progress: 10, stage: 'encoding' });
    await h.settle();
    h.advance(10);
    h.writer.update({ progress: 11 });
    expect(h.writes.at(-1)).toEqual({ progress: 11, stage: 'encoding' });
  });

  it('when minIntervalMs has passed, then even a small move is written', async () => {
    const h = harness({ minIntervalMs: 1000, minDelta: 5 });
    h.writer.update({ progress: 10, stage: 'encoding' });
    await h.settle();
    h.advance(999);
    h.writer.update({ progress: 10.1 });
    expect(h.writes).toHaveLength(1);
    h.advance(1);
    h.writer.update({ progress: 10.2 });
    expect(h.writes).toEqual([
      { progress: 10, stage: 'encoding' },
      { progress: 10.2, stage: 'encoding' },
    ]);
  });

  it('when the interval passes but nothing changed, then nothing is rewritten', async () => {
    const h = harness({ minIntervalMs: 1000 });
    h.writer.update({ progress: 10, stage: 'encoding' });
    await h.settle();
    h.advance(5000);
    h.writer.update({ progress: 10 });
    expect(h.writes).toHaveLength(1);
  });

  it('when the stage changes, then it is written immediately even with no progress', async () => {
    const h = harness({ minIntervalMs: 1000, minDelta: 1 });
    h.writer.update({ progress: 50, stage: 'encoding' });
    await h.settle();
    h.writer.update({ progress: 50, stage: 'uploading' });
    expect(h.writes.at(-1)).toEqual({ progress: 50, stage: 'uploading' });
  });

  it('when samples arrive during a write, then only one write is in flight and the latest sample wins', async () => {
    const h = harness({ minIntervalMs: 1000, minDelta: 1 });
    h.writer.update({ progress: 1, stage: 'encoding' });
    h.writer.update({ progress: 5 });
    h.writer.update({ progress: 9 });
    h.writer.update({ progress: 20 });
    expect(h.writes).toHaveLength(1);
    await h.settle();
    expect(h.writes).toEqual([
      { progress: 1, stage: 'encoding' },
      { progress: 20, stage: 'encoding' },
    ]);
    await h.settle();
    expect(h.maxInFlight()).toBe(1);
  });

  it('when a stage change arrives during a write, then it goes out as soon as that write returns', async () => {
    const h = harness({ minIntervalMs: 60_000, minDelta: 50 });
    h.writer.update({ progress: 90, stage: 'encoding' });
    h.writer.update({ progress: 90, stage: 'uploading' });
    expect(h.writes).toHaveLength(1);
    await h.settle();
    expect(h.writes.at(-1)).toEqual({ progress: 90, stage: 'uploading' });
  });

  it('when flushed, then the held-back sample is written and flush waits for it', async () => {
    const h = harness({ minIntervalMs: 1000, minDelta: 1 });
    h.writer.update({ progress: 10, stage: 'encoding' });
    await h.settle();
    h.writer.update({ progress: 10.4 });
    let flushed = false;
    const flushing = h.writer.flush().then(() => {
      flushed = true;
    });
    await Promise.resolve();
    expect(h.writes.at(-1)).toEqual({ progress: 10.4, stage: 'encoding' });
    expect(flushed).toBe(false);
    await h.settle();
    await flushing;
    expect(flushed).toBe(true);
    expect(h.pendingWrites()).toBe(0);
  });

  it('when flushed during a write, then it waits for that write and the pending one after it', async () => {
    const h = harness({ minIntervalMs: 1000, minDelta: 1 });
    h.writer.update({ progress: 10, stage: 'encoding' });
    h.writer.update({ progress: 10.3 });
    const flushing = h.writer.flush();
    await h.settle();
    expect(h.writes.at(-1)).toEqual({ progress: 10.3, stage: 'encoding' });
    await h.settle();
    await flushing;
    expect(h.writes).toHaveLength(2);
  });

  it('when nothing is pending, then flush resolves at once', async () => {
    const h = harness();
    await h.writer.flush();
    expect(h.writes).toHaveLength(0);
  });

  it('when a write fails, then onError gets it and the next sample is written anyway', async () => {
    const h = harness({ minIntervalMs: 1000, minDelta: 1 });
    h.writer.update({ progress: 10, stage: 'encoding' });
    const failure = new Error('connection reset');
    await h.settle(failure);
    expect(h.errors).toEqual([failure]);
    h.writer.update({ progress: 10.1 });
    expect(h.writes.at(-1)).toEqual({ progress: 10.1, stage: 'encoding' });
  });

  it('when write throws synchronously or onError throws, then update and flush still never throw', async () => {
    const seen: unknown[] = [];
    const writer = createProgressWriter({
      write: () => {
        throw new Error('sync failure');
      },
      onError: (error) => {
        seen.push(error);
        throw new Error('logger broke');
      },
    });
    expect(() => writer.update({ progress: 1, stage: 'encoding' })).not.toThrow();
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(seen).toHaveLength(1);
  });
});
