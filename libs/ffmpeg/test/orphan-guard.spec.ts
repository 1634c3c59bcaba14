import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { detectOrphanGuard } from '../src/index.js';
import { guardCommand, guardExecFailure } from '../src/orphan.guard.js';
import { isRunning, waitUntilGone } from './support/process.helpers.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./support/orphan-child.ts', import.meta.url));
const detected = await detectOrphanGuard();

describe('guardCommand', () => {
  it('when the guard is pdeathsig, then the binary runs under setpriv with the exact tokens after --', () => {
    expect(guardCommand({ kind: 'pdeathsig', setprivPath: '/usr/bin/setpriv' }, 'ffmpeg', ['-i', 'a b.mp4', '-y'])).toEqual({
      file: '/usr/bin/setpriv',
      args: ['--pdeathsig', 'SIGKILL', '--', 'ffmpeg', '-i', 'a b.mp4', '-y'],
    });
  });

  it('when there is no guard, then the binary is spawned as is', () => {
    expect(guardCommand({ kind: 'none', warning: 'w' }, 'ffmpeg', ['-version'])).toEqual({ file: 'ffmpeg', args: ['-version'] });
  });
});

describe('guardExecFailure', () => {
  const pdeathsig = { kind: 'pdeathsig', setprivPath: 'setpriv' } as const;

  it('when setpriv could not exec the binary, then its reason is returned', () => {
    expect(guardExecFailure(pdeathsig, 127, 'setpriv: failed to execute /x/ffmpeg: No such file or directory\n')).toBe('No such file or directory');
    expect(guardExecFailure(pdeathsig, 126, 'setpriv: failed to execute /x/ffmpeg: Permission denied\n')).toBe('Permission denied');
  });

  it('when the binary itself failed, then it is not mistaken for an exec failure', () => {
    expect(guardExecFailure(pdeathsig, 1, 'setpriv: failed to execute x: y')).toBeNull();
    expect(guardExecFailure(pdeathsig, 127, 'some ffmpeg error')).toBeNull();
    expect(guardExecFailure({ kind: 'none', warning: 'w' }, 127, 'setpriv: failed to execute x: y')).toBeNull();
  });
});

describe('detectOrphanGuard', () => {
  it('when not on Linux, then there is no guard and a warning says why', async () => {
    const guard = await detectOrphanGuard({ platform: 'darwin' });
    expect(guard).toEqual({ kind: 'none', warning: expect.stringContaining('Linux-only') });
  });

  it('when setpriv is missing, then there is no guard and a warning names it', async () => {
    const guard = await detectOrphanGuard({ setprivPath: '/nonexistent/setpriv', platform: 'linux' });
    expect(guard.kind).toBe('none');
    expect(guard.kind === 'none' && guard.warning).toMatch(/\/nonexistent\/setpriv is unavailable .*outlive a killed worker/);
  });
});

/** Starts the child script, returns it and the ffmpeg pid it reports. */
async function startChild(mode: 'guarded' | 'unguarded'): Promise<{ child: ReturnType<typeof spawn>; ffmpegPid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [line] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => [''])])) as [string];
  lines.close();
  const ffmpegPid = Number(line.split(' ')[1]);
  if (!Number.isInteger(ffmpegPid) || ffmpegPid <= 0) throw new Error(`child did not report an ffmpeg pid: "${line}"`);
  return { child, ffmpegPid };
}

async function killChild(child: ReturnType<typeof spawn>): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

(detected.kind === 'pdeathsig' ? describe : describe.skip)('when the worker process is SIGKILLed', () => {
  // The child's ffmpeg reads a ten-minute source in real time: gone before that means killed.
  it('then its ffmpeg (spawned through setpriv --pdeathsig) disappears', async () => {
    const { child, ffmpegPid } = await startChild('guarded');
    expect(await isRunning(ffmpegPid)).toBe(true);

    await killChild(child);

    await waitUntilGone(ffmpegPid);
  });

  it('then, as a control, an unguarded ffmpeg killed alongside a guarded one outlives it', async () => {
    const [guarded, unguarded] = await Promise.all([startChild('guarded'), startChild('unguarded')]);
    try {
      await Promise.all([killChild(guarded.child), killChild(unguarded.child)]);
      // The guarded one being gone is the moment the guard has done its work; no fixed wait.
      await waitUntilGone(guarded.ffmpegPid);
      expect(await isRunning(unguarded.ffmpegPid)).toBe(true);
    } finally {
      for (const pid of [guarded.ffmpegPid, unguarded.ffmpegPid]) if (await isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
