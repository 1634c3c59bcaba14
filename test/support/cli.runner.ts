import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The CLI from source, the way `npx reelforge` runs it in a checkout. */
export const CLI_COMMAND = [process.execPath, '--import', 'tsx', path.join(REPO_ROOT, 'apps', 'cli', 'src', 'main.ts')];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Only PATH/HOME from this process plus `env`, so the caller's REELFORGE_* settings never leak in. */
export function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
}

/** Runs `reelforge <args>` as a child process (no terminal) and collects its output. */
export function runCli(args: string[], env: Record<string, string>, { timeoutMs = 60_000 } = {}): Promise<CliResult> {
  const [node, ...nodeArgs] = CLI_COMMAND as [string, ...string[]];
  const child = spawn(node, [...nodeArgs, ...args], { cwd: REPO_ROOT, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
