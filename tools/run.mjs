#!/usr/bin/env node
// Entry point behind `npm start`, `npm run demo`, `npm test` and `npm run bench`.
// Plain JavaScript with no dependencies: it runs before node_modules exists on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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

function dockerAnswers() {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

/**
 * What the container tests need: an engine (the machine's, or Debian's docker.io started privately),
 * debootstrap for the base-image stand-in where no registry is reachable, and docker-compose 1.29.
 */
function containerPackages() {
  const engine = dockerAnswers() ? [] : [{ bin: 'dockerd', pkg: 'docker.io' }];
  const compose = onPath('docker-compose') || spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0 ? [] : [{ bin: 'docker-compose', pkg: 'docker-compose' }];
  return [...engine, ...compose, { bin: 'debootstrap', pkg: 'debootstrap' }];
}

function skipContainers() {
  if (process.env.REELFORGE_SKIP_CONTAINERS !== '1') return false;
  if (process.env.CI === 'true') fail('REELFORGE_SKIP_CONTAINERS=1 is refused when CI=true: the container tests must run in CI.');
  log('REELFORGE_SKIP_CONTAINERS=1: the container tests will be reported as skipped.');
  return true;
}

/** One Jest run; returns its exit status and counts (a run that wrote no results counts as one failure). */
function jestPhase(name, config, jestArgs, env) {
  const results = path.join(root, '.reelforge', `jest-results-${name}.json`);
  // Never read an earlier run's results if this one dies before writing its own.
  rmSync(results, { force: true });
  const status = npx('jest', ['--config', config, '--json', `--outputFile=${results}`, ...jestArgs], {
    env: { ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim() },
  });
  if (!existsSync(results)) return { status: status || 1, passed: 0, failed: 1, skipped: 0 };
  const summary = JSON.parse(readFileSync(results, 'utf8'));
  // A file that fails to load has no failed test of its own, but it failed.
  const failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
  return { status, passed: summary.numPassedTests, failed: failed || (status === 0 ? 0 : 1), skipped: summary.numPendingTests + summary.numTodoTests };
}

/** The suite's closing line, which CI reads: every phase added up, skipped tests included. */
function closingLine(phases) {
  const sum = (key) => phases.reduce((n, p) => n + p[key], 0);
  process.stdout.write(`\n${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped\n`);
  return phases.every((p) => p.status === 0) ? 0 : 1;
}

function runTests({ containersOnly = false } = {}) {
  ensureNodeModules();
  const skip = skipContainers();
  // Tests start private redis-servers even when REDIS_URL is set.
  const testNeeds = containersOnly ? [...FFMPEG, { bin: 'redis-server', pkg: 'redis-server' }] : [...FFMPEG, { bin: 'redis-server', pkg: 'redis-server' }, ...CHROMIUM, ...TMUX];
  ensureSystemPackages([...testNeeds, ...(skip ? [] : containerPackages())]);
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...(skip ? { REELFORGE_CONTAINERS_SKIPPED: 'REELFORGE_SKIP_CONTAINERS=1' } : {}) };
  mkdirSync(path.join(root, '.reelforge'), { recursive: true });
  if (containersOnly) return closingLine([jestPhase('containers', 'jest.containers.config.js', args, env)]);
  const steps = [
    ['typecheck', () => npx('tsc', ['-p', 'tsconfig.json'], { env }) || npx('tsc', ['-p', 'apps/web/tsconfig.json'], { env })],
    ['lint', () => npx('nx', ['show', 'projects'], { env, stdio: 'ignore' }) || npx('eslint', ['.', '--max-warnings', '0'], { env })],
    ['secret scan', () => npx('secretlint', ['**/*', '--maskSecrets'], { env })],
  ];
  for (const [name, step] of steps) {
    log(`${name}…`);
    if (step() !== 0) fail(`${name} failed; see the output above.`);
  }
  const main = jestPhase('main', 'jest.config.js', args, env);
  // What users run (the images, the Compose stack) runs after the unit and e2e tests, one scenario at a time.
  log('container tests (images and the Compose stack)…');
  const containers = jestPhase('containers', 'jest.containers.config.js', [], env);
  return closingLine([main, containers]);
}

const commands = {
  start: () => run(tsx, ['apps/cli/src/main.ts', 'up', ...args]),
  demo: () => run(tsx, ['apps/cli/src/main.ts', 'demo', ...args]),
  bench: () => run(tsx, ['tools/bench/main.ts', ...args]),
  test: () => runTests(),
  'test:containers': () => runTests({ containersOnly: true }),
};
if (!Object.hasOwn(commands, command ?? '')) fail(`unknown command "${command ?? ''}"; use one of: ${Object.keys(commands).join(', ')}`);
if (command === 'start' || command === 'demo') {
  ensureNodeModules();
  ensureSystemPackages([...FFMPEG, ...REDIS]);
  // The API serves the web app at /app from this bundle.
  if (run(process.execPath, [path.join(root, 'tools', 'build-web.mjs')]) !== 0) fail('building the web app failed; see the output above.');
}
if (command === 'bench') {
  ensureNodeModules();
  // The benchmarks start private redis-servers, and GNU time measures ffmpeg's CPU and peak memory.
  ensureSystemPackages([...FFMPEG, { bin: 'redis-server', pkg: 'redis-server' }, { bin: 'time', pkg: 'time' }]);
}
process.exit(commands[command]());
