import { runProcess } from './process.runner.js';
import type { OrphanGuard } from './orphan.guard.js';

export interface DetectOrphanGuardOptions {
  /** setpriv binary (util-linux ≥ 2.33 has `--pdeathsig`). */
  setprivPath?: string;
  platform?: NodeJS.Platform;
}

const PROBE_TIMEOUT_MS = 5_000;

/**
 * Decides once (at start-up) whether children can be tied to this process with
 * `setpriv --pdeathsig SIGKILL`. It runs `setpriv --pdeathsig SIGKILL -- node --version`, which
 * proves both that setpriv exists and that it knows the option.
 */
export async function detectOrphanGuard(options: DetectOrphanGuardOptions = {}): Promise<OrphanGuard> {
  const setprivPath = options.setprivPath ?? 'setpriv';
  const platform = options.platform ?? process.platform;
  if (platform !== 'linux') {
    return { kind: 'none', warning: `PR_SET_PDEATHSIG is Linux-only (platform ${platform}): ffmpeg children will outlive a killed worker` };
  }
  const result = await runProcess({
    file: setprivPath,
    args: ['--pdeathsig', 'SIGKILL', '--', process.execPath, '--version'],
    guard: { kind: 'none', warning: 'detecting' },
    timeoutMs: PROBE_TIMEOUT_MS,
    killGraceMs: 0,
    stderrTailBytes: 4096,
  }).catch((error: unknown) => error as Error);

  if (result instanceof Error) {
    return { kind: 'none', warning: `${setprivPath} is unavailable (${result.message}): ffmpeg children will outlive a killed worker` };
  }
  if (result.exitCode !== 0) {
    const detail = result.stderrTail.trim().split('\n')[0] ?? '';
    return {
      kind: 'none',
      warning: `${setprivPath} --pdeathsig does not work here (exit ${result.exitCode}${detail === '' ? '' : `: ${detail}`}): ffmpeg children will outlive a killed worker`,
    };
  }
  return { kind: 'pdeathsig', setprivPath };
}
