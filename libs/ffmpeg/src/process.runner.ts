import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { guardCommand, guardExecFailure, type OrphanGuard } from '@reelforge/process';
import { FfmpegNotFoundError } from './ffmpeg.errors.js';
import { TailBuffer } from './stderr-tail.buffer.js';

export interface ProcessSpec {
  /** The binary as the caller named it (used in error messages). */
  file: string;
  /** Exact argument tokens; no shell is involved. */
  args: readonly string[];
  guard: OrphanGuard;
  cwd?: string;
  signal?: AbortSignal;
  /** Stop the process after this long (SIGTERM, then SIGKILL after the grace period). */
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL when stopping. */
  killGraceMs: number;
  stderrTailBytes: number;
  /** Receives stdout as UTF-8 text, chunked arbitrarily. */
  onStdout?: (text: string) => void;
  onSpawn?: (pid: number) => void;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
  durationMs: number;
  /** Set when this runner stopped the process; exit code and signal then only describe how it died. */
  stoppedBy: 'abort' | 'timeout' | null;
}

const NOT_STARTED: ProcessResult = { exitCode: null, signal: null, stderrTail: '', durationMs: 0, stoppedBy: 'abort' };

async function spawnFailure(error: NodeJS.ErrnoException, spec: ProcessSpec, spawned: string): Promise<Error> {
  if (error.code !== 'ENOENT' && error.code !== 'EACCES') return error;
  // libuv reports a missing working directory as ENOENT too; do not blame the binary for it.
  if (spec.cwd !== undefined) {
    const cwdExists = await access(spec.cwd).then(
      () => true,
      () => false,
    );
    if (!cwdExists) return new Error(`Working directory ${spec.cwd} does not exist`, { cause: error });
  }
  return new FfmpegNotFoundError(spawned, error.code);
}

/**
 * Spawns a process asynchronously (the event loop keeps running, so BullMQ lock renewal does too),
 * keeps a bounded stderr tail, and stops the process on abort or timeout.
 * Resolves with how the process ended; rejects only when it could not be started or a callback threw.
 */
export function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  if (spec.signal?.aborted === true) return Promise.resolve(NOT_STARTED);
  const command = guardCommand(spec.guard, spec.file, spec.args);

  return new Promise<ProcessResult>((resolve, reject) => {
    const started = performance.now();
    const stderr = new TailBuffer(spec.stderrTailBytes);
    let stoppedBy: ProcessResult['stoppedBy'] = null;
    let callbackError: { error: unknown } | null = null;
    let spawnError: NodeJS.ErrnoException | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;

    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command.file, command.args, { cwd: spec.cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (error) {
      reject(error);
      return;
    }

    const kill = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), spec.killGraceMs);
    };
    const stop = (reason: 'abort' | 'timeout'): void => {
      if (stoppedBy !== null || callbackError !== null) return;
      stoppedBy = reason;
      kill();
    };
    // A throwing callback must not become an uncaught exception inside a stream handler.
    const guarded = (callback: () => void): void => {
      try {
        callback();
      } catch (error) {
        if (callbackError !== null) return;
        callbackError = { error };
        if (stoppedBy === null) kill();
      }
    };
    const onAbort = (): void => stop('abort');
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    if (spec.timeoutMs !== undefined) timeoutTimer = setTimeout(() => stop('timeout'), spec.timeoutMs);

    child.once('spawn', () => {
      const pid = child.pid;
      if (pid !== undefined && spec.onSpawn !== undefined) guarded(() => spec.onSpawn?.(pid));
    });
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => {
      if (spec.onStdout !== undefined && callbackError === null) guarded(() => spec.onStdout?.(text));
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (error: NodeJS.ErrnoException) => {
      spawnError ??= error;
    });

    child.once('close', (exitCode: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(killTimer);
      clearTimeout(timeoutTimer);
      spec.signal?.removeEventListener('abort', onAbort);
      const stderrTail = stderr.toString();

      if (callbackError !== null) {
        reject(callbackError.error);
        return;
      }
      if (spawnError !== null && child.pid === undefined) {
        spawnFailure(spawnError, spec, command.file).then(reject, reject);
        return;
      }
      const execFailure = guardExecFailure(spec.guard, exitCode, stderrTail);
      if (execFailure !== null) {
        reject(new FfmpegNotFoundError(spec.file, execFailure));
        return;
      }
      resolve({ exitCode, signal, stderrTail, durationMs: Math.round(performance.now() - started), stoppedBy });
    });
  });
}
