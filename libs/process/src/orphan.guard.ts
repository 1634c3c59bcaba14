import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * How spawned processes are tied to this process's life.
 * - `pdeathsig`: spawned through `setpriv --pdeathsig <signal> --`, which sets PR_SET_PDEATHSIG and
 *   then execs the program (same pid). The kernel signals the child when the *thread* that forked
 *   it exits. libuv forks from the thread running the event loop, so this holds for the main
 *   thread; from a worker_threads Worker the child would die when that Worker ends.
 * - `none`: plain spawn; a SIGKILLed parent leaves the child running. `warning` says why.
 */
export type OrphanGuard = { kind: 'pdeathsig'; setprivPath: string } | { kind: 'none'; warning: string };

/** Pure: the command to spawn for `file args` under `guard`; the child gets `deathSignal` when we die. */
export function guardCommand(
  guard: OrphanGuard,
  file: string,
  args: readonly string[],
  deathSignal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL',
): { file: string; args: string[] } {
  switch (guard.kind) {
    case 'pdeathsig':
      return { file: guard.setprivPath, args: ['--pdeathsig', deathSignal, '--', file, ...args] };
    case 'none':
      return { file, args: [...args] };
    default: {
      const unknown: never = guard;
      throw new Error(`Unknown orphan guard ${JSON.stringify(unknown)}`);
    }
  }
}

/** `spawn(file, args, options)` under `guard`: the only way this code base starts a long-lived child. */
export function spawnGuarded(
  guard: OrphanGuard,
  file: string,
  args: readonly string[],
  options: SpawnOptions & { deathSignal?: 'SIGKILL' | 'SIGTERM' } = {},
): ChildProcess {
  const { deathSignal, ...spawnOptions } = options;
  const command = guardCommand(guard, file, args, deathSignal);
  return spawn(command.file, command.args, spawnOptions);
}

/**
 * setpriv reports a failed exec itself (exit 127 for ENOENT, 126 otherwise, per util-linux) instead
 * of the spawn 'error' event a plain spawn gives. Returns the reason when that happened.
 */
export function guardExecFailure(guard: OrphanGuard, exitCode: number | null, stderr: string): string | null {
  if (guard.kind !== 'pdeathsig' || (exitCode !== 126 && exitCode !== 127)) return null;
  const match = /setpriv: failed to execute [^\n]*?: ([^\n]+)/.exec(stderr);
  return match === null ? null : (match[1] as string).trim();
}
