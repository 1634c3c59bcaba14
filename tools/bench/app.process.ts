import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectOrphanGuard } from '@reelforge/ffmpeg';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUTPUT_TAIL = 8000;
const STOP_TIMEOUT_MS = 15_000;

export interface AppProcess {
  /** Node's own pid (setpriv execs it), for /proc sampling. */
  pid: number;
  alive(): boolean;
  /** The last few KiB of what it printed, for error messages. */
  output(): string;
  /** SIGTERM (graceful shutdown), SIGKILL if it lingers. */
  stop(): Promise<void>;
}

/**
 * Starts `apps/<app>/src/main.ts` as its own process, from source through tsx as `npm start` does,
 * with PATH/HOME and `env` only. It dies with this process where setpriv exists.
 */
export async function spawnApp(app: 'api' | 'worker', env: Record<string, string>): Promise<AppProcess> {
  const args = ['--import', 'tsx', path.join(ROOT, 'apps', app, 'src', 'main.ts')];
  const guard = await detectOrphanGuard();
  const options = { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };
  const child =
    guard.kind === 'pdeathsig'
      ? spawn(guard.setprivPath, ['--pdeathsig', 'KILL', '--', process.execPath, ...args], options)
      : spawn(process.execPath, args, options);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-OUTPUT_TAIL);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid!,
    alive,
    output: () => tail,
    async stop() {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
