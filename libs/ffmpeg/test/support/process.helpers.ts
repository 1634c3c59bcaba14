import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** True while `pid` is a live (non-zombie) process; Linux /proc based. */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the parenthesised command name, which may itself contain spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * A limit for waits on a process that is being stopped: generous, so that only a process that will
 * never stop (a ten-minute ffmpeg nobody killed) reaches it, however loaded the machine is.
 */
export const STOP_LIMIT_MS = 30_000;

/** Polls until `pid` is gone; rejects after `timeoutMs` (a limit on the wait, not a measurement). */
export async function waitUntilGone(pid: number, timeoutMs = STOP_LIMIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await isRunning(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still running after ${timeoutMs} ms`);
    await sleep(20);
  }
}
