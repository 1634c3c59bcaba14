import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { detectOrphanGuard, guardCommand } from '@reelforge/process';
import { readProcMemory } from './proc.reader.js';

export interface TimedRun {
  wallMs: number;
  /** Peak resident set size of the process. */
  maxRssKiB: number;
  /** User + system CPU time; null when /usr/bin/time is not installed. */
  cpuS: number | null;
}

const GNU_TIME = '/usr/bin/time';
const STDERR_TAIL = 4000;

let gnuTime: Promise<boolean> | undefined;
const hasGnuTime = (): Promise<boolean> =>
  (gnuTime ??= access(GNU_TIME, constants.X_OK).then(
    () => true,
    () => false,
  ));

/** `%M %U %S` as GNU time writes it; when the command failed, a status line comes first. */
export function parseGnuTime(text: string): { maxRssKiB: number; cpuS: number } | null {
  const last = text.trim().split('\n').at(-1) ?? '';
  const match = /^(\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(last.trim());
  return match ? { maxRssKiB: Number(match[1]), cpuS: Number(match[2]) + Number(match[3]) } : null;
}

/**
 * Runs a program to completion, exactly as a shell would (no Node in between once it runs), and
 * measures wall time, peak RSS and CPU. GNU time reads the peak from the kernel when the process
 * exits (getrusage); without it, VmHWM is polled from /proc, which can miss a last-moment peak.
 * The program dies with this process (parent-death signal) where setpriv exists.
 */
export async function runTimed(file: string, args: readonly string[]): Promise<TimedRun> {
  const guard = await detectOrphanGuard();
  const useTime = await hasGnuTime();
  const timeFile = path.join(os.tmpdir(), `reelforge-bench-time-${randomBytes(6).toString('hex')}`);
  const program = guardCommand(guard, file, args);
  const command = useTime ? guardCommand(guard, GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, '--', program.file, ...program.args]) : program;

  const started = performance.now();
  const child = spawn(command.file, command.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
  });
  let polledHwm = 0;
  const poll = useTime
    ? undefined
    : setInterval(() => {
        void readProcMemory(child.pid ?? -1).then((m) => {
          if (m) polledHwm = Math.max(polledHwm, m.hwmKiB);
        });
      }, 50);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const wallMs = performance.now() - started;
  clearInterval(poll);
  try {
    if (exit.code !== 0) {
      throw new Error(`${path.basename(file)} exited with ${exit.code ?? exit.signal}: ${stderr.trim().slice(-1500)}`);
    }
    if (!useTime) return { wallMs, maxRssKiB: polledHwm, cpuS: null };
    const parsed = parseGnuTime(await readFile(timeFile, 'utf8'));
    if (!parsed) throw new Error(`could not read ${GNU_TIME} output for ${path.basename(file)}`);
    return { wallMs, ...parsed };
  } finally {
    await rm(timeFile, { force: true });
  }
}
