#!/usr/bin/env node
// Entry point behind `npm start`, `npm run demo`, `npm test` and `npm run bench`.
// Plain JavaScript with no dependencies: it runs before node_modules exists on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [command, ...args] = process.argv.slice(2);

function log(message) {
  process.stderr.write(`[reelforge] ${message}\n`);
}

function fail(message) {
  log(`error: ${message}`);
  process.exit(1);
}

function run(cmd, cmdArgs, options = {}) {
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) fail(`could not run ${cmd}: ${result.error.message}`);
  return result.status ?? 1;
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** npm ci when node_modules is absent or older than the lockfile. */
function ensureNodeModules() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing npm dependencies (npm ci)…');
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) fail('npm ci failed; see the output above.');
}

/** Debian packages the project needs, installed with apt-get when missing (never a downloaded binary). */
function ensureSystemPackages(needs) {
  const missing = needs.filter(({ bin }) => !onPath(bin));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((m) => m.pkg))];
  const isRoot = process.getuid?.() === 0;
  const sudo = !isRoot && onPath('sudo') ? ['sudo', '-n'] : [];
  if (!onPath('apt-get') || (!isRoot && sudo.length === 0)) {
    fail(
      `missing ${missing.map((m) => m.bin).join(', ')}. Install the packages ${packages.join(' ')} ` +
        '(Debian/Ubuntu: sudo apt-get install -y ' + packages.join(' ') + '), then run this command again.',
    );
  }
  log(`installing ${packages.join(', ')} from Debian packages (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const aptGet = (...a) => (sudo.length ? run(sudo[0], [...sudo.slice(1), 'apt-get', ...a], { env }) : run('apt-get', a, { env }));
  if (aptGet('update', '-qq') !== 0 || aptGet('install', '-y', '-qq', '--no-install-recommends', ...packages) !== 0) {
    fail(`apt-get could not install ${packages.join(' ')}; install them by hand and run this command again.`);
  }
  const still = missing.filter(({ bin }) => !onPath(bin));
  if (still.length) fail(`still missing after apt-get: ${still.map((m) => m.bin).join(', ')}`);
}

const FFMPEG = [
  { bin: 'ffmpeg', pkg: 'ffmpeg' },
  { bin: 'ffprobe', pkg: 'ffmpeg' },
];
const REDIS = process.env.REDIS_URL ? [] : [{ bin: 'redis-server', pkg: 'redis-server' }];
const CHROMIUM = [{ bin: 'chromium', pkg: 'chromium' }];
// The CLI's progress bar is tested in a real terminal (a tmux pane).
const TMUX = [{ bin: 'tmux', pkg: 'tmux' }];
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const npx = (bin, binArgs, options) => run(path.join(root, 'node_modules', '.bin', bin), binArgs, options);

function runTests() {
  ensureNodeModules();
  // Tests start private redis-servers even when REDIS_URL is set.
  ensureSystemPackages([...FFMPEG, { bin: 'redis-server', pkg: 'redis-server' }, ...CHROMIUM, ...TMUX]);
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  const steps = [
    ['typecheck', () => npx('tsc', ['-p', 'tsconfig.json'], { env })],
    ['lint', () => npx('nx', ['show', 'projects'], { env, stdio: 'ignore' }) || npx('eslint', ['.', '--max-warnings', '0'], { env })],
    ['secret scan', () => npx('secretlint', ['**/*', '--maskSecrets'], { env })],
  ];
  for (const [name, step] of steps) {
    log(`${name}…`);
    if (step() !== 0) fail(`${name} failed; see the output above.`);
  }
  mkdirSync(path.join(root, '.reelforge'), { recursive: true });
  const results = path.join(root, '.reelforge', 'jest-results.json');
  const status = npx('jest', ['--json', `--outputFile=${results}`, ...args], {
    env: { ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim() },
  });
  if (existsSync(results)) {
    const summary = JSON.parse(readFileSync(results, 'utf8'));
    process.stdout.write(`\n${summary.numPassedTests} passed, ${summary.numFailedTests} failed\n`);
  } else {
    process.stdout.write('\n0 passed, 1 failed\n');
  }
  return status;
}

const commands = {
  start: () => run(tsx, ['apps/cli/src/main.ts', 'up', ...args]),
  demo: () => run(tsx, ['apps/cli/src/main.ts', 'demo', ...args]),
  bench: () => run(tsx, ['tools/bench/main.ts', ...args]),
  test: runTests,
};
if (!Object.hasOwn(commands, command ?? '')) fail(`unknown command "${command ?? ''}"; use one of: ${Object.keys(commands).join(', ')}`);
if (command === 'start' || command === 'demo') {
  ensureNodeModules();
  ensureSystemPackages([...FFMPEG, ...REDIS]);
}
if (command === 'bench') {
  ensureNodeModules();
  // The benchmarks start private redis-servers, and GNU time measures ffmpeg's CPU and peak memory.
  ensureSystemPackages([...FFMPEG, { bin: 'redis-server', pkg: 'redis-server' }, { bin: 'time', pkg: 'time' }]);
}
process.exit(commands[command]());
