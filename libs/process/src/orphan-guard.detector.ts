import { execFile } from 'node:child_process';
import type { OrphanGuard } from './orphan.guard.js';

export interface DetectOrphanGuardOptions {
  /** setpriv binary (util-linux ≥ 2.33 has `--pdeathsig`). */
  setprivPath?: string;
  platform?: NodeJS.Platform;
}

const PROBE_TIMEOUT_MS = 5_000;
const CONSEQUENCE = 'children (ffmpeg, embedded services, apps) will outlive a killed parent';

/**
 * Decides once (at start-up) whether children can be tied to this process with
 * `setpriv --pdeathsig SIGKILL`. It runs `setpriv --pdeathsig SIGKILL -- node --version`, which
 * proves both that setpriv exists and that it knows the option.
 */
export async function detectOrphanGuard(options: DetectOrphanGuardOptions = {}): Promise<OrphanGuard> {
  const setprivPath = options.setprivPath ?? 'setpriv';
  const platform = options.platform ?? process.platform;
  if (platform !== 'linux') return { kind: 'none', warning: `PR_SET_PDEATHSIG is Linux-only (platform ${platform}): ${CONSEQUENCE}` };
  const problem = await new Promise<string | null>((resolve) => {
    const args = ['--pdeathsig', 'SIGKILL', '--', process.execPath, '--version'];
    execFile(setprivPath, args, { timeout: PROBE_TIMEOUT_MS }, (error, _stdout, stderr) => {
      if (error === null) resolve(null);
      else if (typeof error.code === 'number') {
        const detail = stderr.trim().split('\n')[0] ?? '';
        resolve(`${setprivPath} --pdeathsig does not work here (exit ${error.code}${detail === '' ? '' : `: ${detail}`})`);
      } else resolve(`${setprivPath} is unavailable (${error.code ?? error.message}; Debian's util-linux package has it)`);
    });
  });
  return problem === null ? { kind: 'pdeathsig', setprivPath } : { kind: 'none', warning: `${problem}: ${CONSEQUENCE}` };
}
