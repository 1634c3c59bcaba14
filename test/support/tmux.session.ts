import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { itRequiring } from './requirement.js';

const run = promisify(execFile);

/** tmux (Debian package, installed by `npm test`). */
export const HAS_TMUX = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

/** `it` for a test in a real terminal: without tmux skipped loudly, and failed when CI=true. */
export const itWithTmux = itRequiring(HAS_TMUX ? null : 'tmux is not installed', "apt-get install tmux (Debian's package; `npm test` installs it when missing)");

export interface TmuxSession {
  /** The visible screen, one string per row, trailing blanks trimmed. */
  capture(): Promise<string>;
  close(): Promise<void>;
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs a command in a detached tmux pane of `width`×`height` on a private server socket, so what it
 * prints is rendered by a real terminal (carriage returns, erase-line) and can be read back as a screen.
 * The pane stays after the command ends and shows `[exit <code>]`.
 */
export async function startTmux(command: string[], env: NodeJS.ProcessEnv, { width = 100, height = 12, cwd }: { width?: number; height?: number; cwd: string }): Promise<TmuxSession> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reelforge-tmux-'));
  const socket = path.join(dir, 'tmux.sock');
  const shell = `${command.map(quote).join(' ')}; echo "[exit $?]"; sleep 600`;
  await run('tmux', ['-S', socket, '-f', '/dev/null', 'new-session', '-d', '-x', String(width), '-y', String(height), '-c', cwd, shell], { env });
  return {
    async capture() {
      const { stdout } = await run('tmux', ['-S', socket, 'capture-pane', '-p', '-t', '0']);
      return stdout.replace(/[ \t]+$/gm, '').trimEnd();
    },
    async close() {
      await run('tmux', ['-S', socket, 'kill-server']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
