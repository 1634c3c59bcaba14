import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DECODE_ERROR_RATE_EXIT_CODE,
  FfmpegCancelledError,
  FfmpegFailedError,
  FfmpegNotFoundError,
  runFfmpeg,
  type FfmpegProgress,
} from '../src/index.js';
import { detectOrphanGuard, type OrphanGuard } from '@reelforge/process';
import { cleanupFixtures, makeFixture } from '../src/testing/index.js';
import { isRunning, waitUntilGone } from './support/process.helpers.js';

const QUIET = ['-hide_banner', '-nostdin', '-v', 'error'];
const PROGRESS = ['-progress', 'pipe:1', '-nostats'];
/** A source that would run for ten minutes in real time: only cancellation ends it early. */
const ENDLESS = ['-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-t', '600', '-f', 'null', '-'];

let guard: OrphanGuard;
let workDir: string;

beforeAll(async () => {
  guard = await detectOrphanGuard();
  workDir = await mkdtemp(join(tmpdir(), 'reelforge-ffmpeg-run-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
  await cleanupFixtures();
});

function firstProgress(): { onProgress: (p: FfmpegProgress) => void; seen: Promise<void> } {
  const { onProgress, nth } = countedProgress();
  return { onProgress, seen: nth(1) };
}

/** Counts progress reports; `nth(n)` resolves once the n-th has arrived. */
function countedProgress(): { onProgress: (p: FfmpegProgress) => void; nth: (n: number) => Promise<void> } {
  let count = 0;
  const waiting: { n: number; resolve: () => void }[] = [];
  return {
    onProgress: () => {
      count += 1;
      for (const w of waiting.filter((w) => w.n <= count)) w.resolve();
    },
    nth: (n) => (count >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve }))),
  };
}

describe('runFfmpeg', () => {
  it('when the encode succeeds, then progress is monotonic and ends done at the clip duration', async () => {
    const input = await makeFixture('small-360p');
    const reports: FfmpegProgress[] = [];
    let pid = 0;
    // -readrate 4 paces the 2 s clip over ~0.5 s so several 0.1 s reports arrive.
    const args = [...QUIET, ...PROGRESS, '-stats_period', '0.1', '-readrate', '4', '-i', input, '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-f', 'mp4', '-y', join(workDir, 'ok.mp4')];

    const result = await runFfmpeg(args, { orphanGuard: guard, onProgress: (p) => reports.push(p), onSpawn: (p) => (pid = p) });

    expect(reports.length).toBeGreaterThanOrEqual(3);
    const times = reports.map((r) => r.outTimeMs).filter((t): t is number => t !== null);
    const frames = reports.map((r) => r.frame).filter((f): f is number => f !== null);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(frames).toEqual([...frames].sort((a, b) => a - b));
    expect(reports.filter((r) => r.done)).toHaveLength(1);
    const last = reports[reports.length - 1] as FfmpegProgress;
    expect(last.done).toBe(true);
    expect(last.outTimeMs).toBeGreaterThanOrEqual(1900);
    expect(last.outTimeMs).toBeLessThanOrEqual(2200);
    expect(last.frame).toBe(60);
    expect(last.totalSizeBytes).toBeGreaterThan(0);
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.stderrTail).toBe('');
    expect(pid).toBeGreaterThan(0);
    expect(await isRunning(pid)).toBe(false);
  });

  it('when the input is damaged and -xerror is set, then it fails as non-retryable invalid media', async () => {
    const input = await makeFixture('corrupt');
    const run = runFfmpeg([...QUIET, '-xerror', '-i', input, '-f', 'null', '-'], { orphanGuard: guard });

    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FfmpegFailedError);
    const failed = error as FfmpegFailedError;
    expect(failed.code).toBe('ffmpeg_failed');
    expect(failed.exitCode).toBe(1);
    expect(failed.signal).toBeNull();
    expect(failed.failure.kind).toBe('invalid_media');
    expect(failed.retryable).toBe(false);
    expect(failed.message).toMatch(/^ffmpeg exited with code 1: .*\S/);
    expect(failed.message).not.toMatch(/@ 0x/);
    expect(failed.stderrTail).toMatch(/error while decoding|Invalid NAL unit size|corrupt/i);
  });

  it('when more packets fail to decode than -max_error_rate allows, then it fails with code 69 as non-retryable invalid media', async () => {
    const input = await makeFixture('corrupt');
    const error = await runFfmpeg([...QUIET, '-max_error_rate', '0.05', '-i', input, '-f', 'null', '-'], { orphanGuard: guard }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FfmpegFailedError);
    const failed = error as FfmpegFailedError;
    expect(failed.exitCode).toBe(DECODE_ERROR_RATE_EXIT_CODE);
    expect(failed.failure).toEqual({ kind: 'invalid_media', retryable: false, evidence: 'too many packets failed to decode (-max_error_rate exceeded)' });
    expect(failed.message).toMatch(/^ffmpeg exited with code 69 \(too many packets failed to decode \(-max_error_rate exceeded\)\): .*Invalid data found/);
    expect(failed.message).not.toMatch(/Last message repeated/);
  });

  it('when an encoder does not exist, then it fails as bad arguments with ffmpeg’s reason', async () => {
    const error = await runFfmpeg([...QUIET, '-f', 'lavfi', '-i', 'testsrc2', '-t', '0.1', '-c:v', 'libnope', '-f', 'null', '-'], { orphanGuard: guard }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FfmpegFailedError);
    expect((error as FfmpegFailedError).failure.kind).toBe('bad_arguments');
    expect((error as Error).message).toBe("ffmpeg exited with code 1: Unknown encoder 'libnope'");
  });

  it('when the signal aborts, then ffmpeg stops and the run rejects as cancelled', async () => {
    const controller = new AbortController();
    const { onProgress, seen } = firstProgress();
    let pid = 0;
    const run = runFfmpeg([...QUIET, ...PROGRESS, ...ENDLESS], { orphanGuard: guard, signal: controller.signal, onProgress, onSpawn: (p) => (pid = p) });
    const outcome = run.catch((e: unknown) => e);

    await seen;
    controller.abort(new Error('user cancelled'));
    // ENDLESS runs for ten minutes in real time, far beyond the test's limit: the run settling at all
    // is the abort stopping ffmpeg. (No stopwatch: how fast depends on the machine's load.)
    const error = await outcome;

    expect(error).toBeInstanceOf(FfmpegCancelledError);
    expect((error as FfmpegCancelledError).code).toBe('cancelled');
    expect((error as Error).cause).toEqual(new Error('user cancelled'));
    expect(await isRunning(pid)).toBe(false);
  });

  it('when something else kills ffmpeg, then it fails as retryable with the signal', async () => {
    const { onProgress, seen } = firstProgress();
    let pid = 0;
    const outcome = runFfmpeg([...QUIET, ...PROGRESS, ...ENDLESS], { orphanGuard: guard, onProgress, onSpawn: (p) => (pid = p) }).catch((e: unknown) => e);
    await seen;
    process.kill(pid, 'SIGKILL');
    const error = await outcome;
    expect(error).toBeInstanceOf(FfmpegFailedError);
    expect(error).toMatchObject({ signal: 'SIGKILL', exitCode: null, retryable: true, message: 'ffmpeg was killed by SIGKILL' });
  });

  it('when the process ignores SIGTERM, then it is SIGKILLed once the grace period is over, not before', async () => {
    const controller = new AbortController();
    const { onProgress, nth } = countedProgress();
    let pid = 0;
    // A stand-in for a stuck ffmpeg: reports "progress" once ready, and again when SIGTERM arrives, which it ignores.
    const script =
      "process.on('SIGTERM', () => process.stdout.write('progress=continue\\n')); process.stdout.write('progress=continue\\n'); setInterval(() => {}, 1000);";
    // The runner's clock is the test's: the grace period ends when the test says so, not when a loaded machine gets round to it.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const run = runFfmpeg(['-e', script], { ffmpegPath: process.execPath, orphanGuard: guard, signal: controller.signal, onProgress, onSpawn: (p) => (pid = p), killGraceMs: 300 });
      const outcome = run.catch((e: unknown) => e);

      await nth(1);
      controller.abort();
      await nth(2);
      // SIGTERM arrived and was ignored; with no time passed, nothing else was sent.
      expect(await isRunning(pid)).toBe(true);

      jest.advanceTimersByTime(300);
      const error = await outcome;
      expect(error).toBeInstanceOf(FfmpegCancelledError);
      expect(await isRunning(pid)).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  it('when the signal is already aborted, then nothing is spawned', async () => {
    let spawned = false;
    const run = runFfmpeg([...QUIET, ...ENDLESS], { orphanGuard: guard, signal: AbortSignal.abort(), onSpawn: () => (spawned = true) });
    await expect(run).rejects.toBeInstanceOf(FfmpegCancelledError);
    expect(spawned).toBe(false);
  });

  it('when onProgress throws, then ffmpeg is stopped and the run rejects with that error', async () => {
    let pid = 0;
    const run = runFfmpeg([...QUIET, ...PROGRESS, ...ENDLESS], {
      orphanGuard: guard,
      onSpawn: (p) => (pid = p),
      onProgress: () => {
        throw new Error('listener broke');
      },
    });
    await expect(run).rejects.toThrow('listener broke');
    await waitUntilGone(pid);
  });

  it.each([
    ['through setpriv', 'guarded'],
    ['with a plain spawn', 'plain'],
  ])('when the ffmpeg binary is missing (%s), then it rejects with FfmpegNotFoundError', async (_how, mode) => {
    const orphanGuard: OrphanGuard = mode === 'guarded' ? guard : { kind: 'none', warning: 'test' };
    const error = await runFfmpeg(['-version'], { ffmpegPath: '/nonexistent/ffmpeg', orphanGuard }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FfmpegNotFoundError);
    expect((error as FfmpegNotFoundError).code).toBe('ffmpeg_missing');
    expect((error as Error).message).toMatch(/^\/nonexistent\/ffmpeg could not be started \(.+\)\. Install Debian's "ffmpeg" package/);
  });

  it('when the arguments contain spaces and shell characters, then they reach ffmpeg as exact tokens', async () => {
    const name = 'a b;$(touch pwned)&`x` "q".mp4';
    await runFfmpeg([...QUIET, '-f', 'lavfi', '-i', 'testsrc2=size=64x64', '-t', '0.1', '-c:v', 'libx264', '-preset', 'ultrafast', '-y', name], { orphanGuard: guard, cwd: workDir });
    await expect(access(join(workDir, name))).resolves.toBeUndefined();
    await expect(access(join(workDir, 'pwned'))).rejects.toThrow();
  });

  it('when the working directory does not exist, then the error says so instead of blaming ffmpeg', async () => {
    const error = await runFfmpeg(['-version'], { orphanGuard: { kind: 'none', warning: 'test' }, cwd: join(workDir, 'missing') }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(FfmpegNotFoundError);
    expect((error as Error).message).toMatch(/Working directory .*missing does not exist/);
  });

  it('when ffmpeg logs a lot, then only the configured tail of stderr is kept', async () => {
    const result = await runFfmpeg(['-hide_banner', '-nostdin', '-v', 'debug', '-f', 'lavfi', '-i', 'testsrc2=size=64x64', '-t', '1', '-f', 'null', '-'], {
      orphanGuard: guard,
      stderrTailBytes: 2048,
    });
    expect(Buffer.byteLength(result.stderrTail)).toBeLessThanOrEqual(2048);
    expect(Buffer.byteLength(result.stderrTail)).toBeGreaterThan(1000);
  });
});
