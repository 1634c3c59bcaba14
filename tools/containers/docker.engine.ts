import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DockerCli, runCommand } from './docker.command.js';

export interface DockerEngine {
  cli: DockerCli;
  /** Environment that points `docker` and `docker-compose` at this engine. */
  env: NodeJS.ProcessEnv;
  /** Our own daemon (private data root), as opposed to the machine's engine. */
  isPrivate: boolean;
  /** Stops the daemon if this call started it; leaves any other engine alone. */
  stop(): Promise<void>;
}

export class DockerEngineUnavailableError extends Error {
  readonly code = 'docker_engine_unavailable';
  constructor(reason: string) {
    super(
      `no Docker engine for the container tests: ${reason}.\n` +
        'Fix: start Docker (so that `docker info` works), or on Debian/Ubuntu as root run `npm test` again: ' +
        'it installs docker.io and starts a private daemon. To iterate without containers, set REELFORGE_SKIP_CONTAINERS=1 (refused when CI=true).',
    );
    this.name = 'DockerEngineUnavailableError';
  }
}

const INFO_TIMEOUT_MS = 20_000;
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 60_000;

/**
 * Where a private daemon keeps images and build cache between runs: outside the checkout (CI clones
 * afresh every time) so layers are reused; REELFORGE_DOCKER_DIR overrides it.
 */
export function defaultEngineDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REELFORGE_DOCKER_DIR) return env.REELFORGE_DOCKER_DIR;
  const cache = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'reelforge', 'docker');
}

async function answers(env: NodeJS.ProcessEnv): Promise<boolean> {
  const result = await runCommand('docker', ['info', '--format', '{{.ServerVersion}}'], { env, timeoutMs: INFO_TIMEOUT_MS }).catch(() => undefined);
  return result?.code === 0 && result.stdout.trim() !== '';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function onPath(bin: string): Promise<boolean> {
  const result = await runCommand('sh', ['-c', `command -v ${bin}`]).catch(() => undefined);
  return result?.code === 0;
}

/**
 * The machine's engine when `docker info` already works (Docker CE, a CI runner); otherwise a
 * private dockerd (Debian's docker.io) with its own data root, exec root and socket, started here and
 * stopped by pid. It runs without iptables or the default bridge: containers use `--network host`,
 * and user-defined networks (which Compose creates) still connect containers to each other.
 */
export async function ensureDockerEngine(options: { dir?: string; log?: (line: string) => void } = {}): Promise<DockerEngine> {
  const log = options.log ?? (() => undefined);
  if (await answers(process.env)) {
    log('using the Docker engine that `docker info` reaches');
    return { cli: new DockerCli(process.env), env: process.env, isPrivate: false, stop: async () => undefined };
  }
  const dir = options.dir ?? defaultEngineDir();
  const socket = path.join(dir, 'docker.sock');
  const pidFile = path.join(dir, 'docker.pid');
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}` };
  const engine = (stop: () => Promise<void>): DockerEngine => ({ cli: new DockerCli(env), env, isPrivate: true, stop });

  if (await answers(env)) {
    log(`reusing the private Docker daemon already running at ${socket}`);
    return engine(async () => undefined);
  }
  if (!(await onPath('dockerd'))) throw new DockerEngineUnavailableError('`docker info` fails and there is no dockerd to start');
  if (process.getuid?.() !== 0) throw new DockerEngineUnavailableError('`docker info` fails, and a private dockerd can only be started as root');

  await mkdir(path.join(dir, 'data'), { recursive: true });
  await mkdir(path.join(dir, 'exec'), { recursive: true });
  const stalePid = await readPid(pidFile);
  if (stalePid !== undefined && !isAlive(stalePid)) await rm(pidFile, { force: true });

  const logFile = path.join(dir, 'dockerd.log');
  // One log per start: the data root is kept for years of runs, its log should not grow with them.
  const out = openSync(logFile, 'w');
  const daemon = spawn(
    'dockerd',
    [
      '--data-root', path.join(dir, 'data'),
      '--exec-root', path.join(dir, 'exec'),
      '--pidfile', pidFile,
      '--host', `unix://${socket}`,
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  daemon.unref();
  const pid = daemon.pid;
  if (pid === undefined) throw new DockerEngineUnavailableError('dockerd could not be started');
  log(`started a private Docker daemon (pid ${pid}, data in ${dir})`);

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answers(env))) {
    if (!isAlive(pid) || Date.now() > deadline) {
      const tail = (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      throw new DockerEngineUnavailableError(`dockerd did not answer on ${socket}; its log (${logFile}) ends with:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return engine(async () => {
    if (!isAlive(pid)) return;
    process.kill(pid, 'SIGTERM');
    const stopBy = Date.now() + STOP_TIMEOUT_MS;
    while (isAlive(pid) && Date.now() < stopBy) await new Promise((resolve) => setTimeout(resolve, 200));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    log(`stopped the private Docker daemon (pid ${pid})`);
  });
}
