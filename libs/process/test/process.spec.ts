import { describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import net from 'node:net';
import { detectOrphanGuard, freePort, guardCommand, guardExecFailure, spawnGuarded } from '../src/index.js';

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
    expect(guard.kind === 'none' && guard.warning).toMatch(/\/nonexistent\/setpriv is unavailable .*outlive a killed parent/);
  });
});

describe('spawnGuarded', () => {
  it('when a program is spawned under the detected guard, then it runs in place (same pid) with its arguments as tokens', async () => {
    const script = 'process.stdout.write(JSON.stringify([process.pid, process.argv.slice(1)]))';
    const child = spawnGuarded(await detectOrphanGuard(), process.execPath, ['-e', script, 'a b', '--x'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual([child.pid, ['a b', '--x']]);
  });
});

describe('freePort', () => {
  it('when a free port is handed out, then nothing listens on it yet and it can be bound', async () => {
    const port = await freePort();
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });
});
