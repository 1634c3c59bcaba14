import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, realpath, rm, rmdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_FALLBACK_ROOT, fallbackDataDir, packagedPrograms, programsCopyDir } from '@reelforge/db/embedded';
import { REPO_ROOT } from '../support/cli.runner.js';
import { runningWithCmdline } from '../support/proc.js';

const run = promisify(execFile);
const asRoot = process.getuid?.() === 0;
// Only root's Postgres runs as another user (postgres), which is what a mode-700 home locks out.
if (!asRoot) console.warn('demo-as-root.e2e: skipped, it needs root (a new cloud VM logs in as root; CI runs as root).');
const DEMO_LIMIT_MS = 10 * 60_000;

interface DemoRun {
  code: number | null;
  output: string;
}

/** `npm run demo` the way a newcomer types it: only PATH and HOME, so no DATABASE_URL or REDIS_URL leaks in. */
function npmRunDemo(cwd: string): Promise<DemoRun> {
  const child = spawn('npm', ['run', 'demo'], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the limit below stops npm and everything it started.
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const limit = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), DEMO_LIMIT_MS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(limit);
      resolve({ code, output });
    });
  });
}

(asRoot ? describe : describe.skip)('npm run demo as root, in a fresh clone under a mode-700 home', () => {
  let home: string;
  let checkout: string;
  let dataDir: string;
  let copyDir: string;
  const createdHere: string[] = [];
  let demo: DemoRun;

  beforeAll(async () => {
    home = await realpath(await mkdtemp(path.join(os.tmpdir(), 'reelforge-root-home-')));
    await chmod(home, 0o700);
    checkout = path.join(home, 'reelforge');
    await run('git', ['clone', '--quiet', REPO_ROOT, checkout]);
    // The committed tree with this machine's node_modules: hard links instead of a multi-minute npm ci,
    // yet inside the closed home like a real install. The workspace links are relative, so they name the clone's own apps and libs.
    await run('cp', ['-al', path.join(REPO_ROOT, 'node_modules'), path.join(checkout, 'node_modules')]).catch(() =>
      run('cp', ['-a', path.join(REPO_ROOT, 'node_modules'), path.join(checkout, 'node_modules')]),
    );
    // A fresh marker of its own (not a link to ours): newer than the clone's lockfile, so npm ci is not needed.
    const marker = path.join(checkout, 'node_modules', '.package-lock.json');
    const content = await readFile(marker);
    await rm(marker);
    await writeFile(marker, content);

    dataDir = fallbackDataDir(path.join(checkout, '.reelforge', 'pg'));
    copyDir = programsCopyDir(await packagedPrograms());
    // Clean up only what this run creates: the programs copy is shared by every checkout on the machine.
    for (const dir of [DEFAULT_FALLBACK_ROOT, copyDir]) if (!existsSync(dir)) createdHere.unshift(dir);

    demo = await npmRunDemo(checkout);
  }, DEMO_LIMIT_MS + 5 * 60_000);

  afterAll(async () => {
    // Only if the demo failed to stop the Postgres it started.
    for (const { pid } of await runningWithCmdline(dataDir)) process.kill(pid, 'SIGINT');
    await rm(home, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
    await rm(`${dataDir}.password`, { force: true });
    for (const dir of createdHere) {
      // rmdir, not rm: the fallback root stays if another checkout's cluster moved in meanwhile.
      await (dir === DEFAULT_FALLBACK_ROOT ? rmdir(dir) : rm(dir, { recursive: true, force: true })).catch(() => undefined);
    }
  });

  it('when it runs, then it exits 0 and prints where master.m3u8 is, and the playlist is there', async () => {
    expect(demo).toMatchObject({ code: 0 });
    const onDisk = /on disk: (\S+master\.m3u8)/.exec(demo.output)?.[1];
    expect(onDisk?.startsWith(checkout)).toBe(true);
    expect((await readFile(onDisk!, 'utf8')).startsWith('#EXTM3U')).toBe(true);
  });

  it('when Postgres cannot enter the home, then it says which directory and why, and where data and programs went instead', () => {
    expect(demo.output).toContain(
      `Running as root, Postgres runs as the "postgres" user, which cannot enter ${home} (mode 700), so its data lives in ${dataDir} ` +
        `instead of ${path.join(checkout, '.reelforge', 'pg')}, and its programs run from a copy in ${copyDir}.`,
    );
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
  });

  it('when the demo ends, then the Postgres it started has stopped', async () => {
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    expect(await runningWithCmdline(dataDir)).toEqual([]);
  });
});
