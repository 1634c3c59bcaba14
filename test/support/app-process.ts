import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { detectOrphanGuard, spawnGuarded } from '@reelforge/process';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUTPUT_TAIL_CHARS = 16_000;

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AppProcess {
  readonly pid: number;
  readonly exited: Promise<AppExit>;
  /** The last few KiB of what the process printed (stdout and stderr), for failure messages. */
  output(): string;
  alive(): boolean;
  kill(signal: NodeJS.Signals): void;
  /** SIGKILLs the process if it still runs and waits for it to be gone. */
  stop(): Promise<void>;
  /** SIGTERM (graceful shutdown), SIGKILL if it still runs after `timeoutMs`; waits for it to be gone. */
  terminate(timeoutMs?: number): Promise<void>;
}

/**
 * Starts `apps/<app>/src/main.ts` as a real child process (as `npm start` and the Dockerfiles do),
 * with only PATH/HOME from this process plus `env`. It gets a parent-death signal, so a crashed
 * test run never leaves it behind.
 */
export async function spawnApp(app: 'api' | 'worker', env: Record<string, string>): Promise<AppProcess> {
  const entry = path.join(ROOT, 'apps', app, 'src', 'main.ts');
  const args = ['--import', 'tsx', entry];
  const childEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env };
  const child = spawnGuarded(await detectOrphanGuard(), process.execPath, args, { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<AppExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid!,
    exited,
    output: () => tail,
    alive,
    kill: (signal) => {
      child.kill(signal);
    },
    async stop() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    async terminate(timeoutMs = 15_000) {
      if (alive()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves when `url` answers 2xx; rejects if the process exits first or time runs out. */
export async function waitForHttpOk(url: string, app: AppProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: AppExit | undefined;
  void app.exited.then((e) => {
    exit = e;
  });
  for (;;) {
    if (exit) throw new Error(`process ${app.pid} exited (${exit.code ?? exit.signal}) before ${url} answered:\n${app.output()}`);
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${app.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
