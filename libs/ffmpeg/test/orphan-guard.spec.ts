import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { detectOrphanGuard } from '@reelforge/process';
import { isRunning, waitUntilGone } from './support/process.helpers.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./support/orphan-child.ts', import.meta.url));
const detected = await detectOrphanGuard();

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
