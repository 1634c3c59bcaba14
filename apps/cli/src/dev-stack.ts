import type { ChildProcess, StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '@reelforge/config';
import { migrate } from '@reelforge/db';
import { startEmbeddedPostgres } from '@reelforge/db/embedded';
import { detectOrphanGuard, freePort, spawnGuarded, type OrphanGuard } from '@reelforge/process';
import { startEmbeddedRedis } from '@reelforge/queue/embedded';

export interface DevStack {
  apiUrl: string;
  apiToken: string;
  databaseUrl: string;
  redisUrl: string;
  /** One per worker process: its liveness endpoint (GET /metrics is served beside it). */
  workerHealthUrls: string[];
  /** Resolves when any app process exits (none should while the stack runs). */
  exited: Promise<{ app: string; code: number | null }>;
  stop(): Promise<void>;
}

export interface DevStackOptions {
  config: Config;
  /** Origin the public HLS URLs name; defaults to this stack's own API. */
  publicBaseUrl?: string;
  /** Port for the API; each worker's health port is picked free. */
  port: number;
  /** Worker processes to run (default 1), each with its own health/metrics port. */
  workers?: number;
  log: (line: string) => void;
  /** Inherit the apps' output (npm start) or drop it unless they fail (demo). */
  appOutput: 'inherit' | 'quiet';
}

/**
 * The zero-config development stack: Postgres and Redis from the environment when set, otherwise
 * embedded ones under .reelforge; migrations; then the API and the workers as child processes.
 */
export async function startDevStack({ config, port, log, appOutput, publicBaseUrl, workers = 1 }: DevStackOptions): Promise<DevStack> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      log('starting embedded Postgres (set DATABASE_URL to use your own)…');
      const pg = await startEmbeddedPostgres({ dataDir: path.join(config.embeddedDir, 'pg') });
      stops.push(() => pg.stop());
      log(pg.relocation ?? `embedded Postgres keeps its data in ${path.relative(process.cwd(), pg.dataDir) || pg.dataDir}`);
      databaseUrl = pg.databaseUrl;
    }
    let redisUrl = config.redis.url;
    if (!redisUrl) {
      log('starting embedded redis-server (set REDIS_URL to use your own)…');
      const redis = await startEmbeddedRedis({ dataDir: path.join(config.embeddedDir, 'redis') });
      stops.push(() => redis.stop());
      redisUrl = redis.url;
    }
    const applied = await migrate({ databaseUrl, caCert: config.database.caCert, schema: config.database.schema });
    if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);

    const apiToken = config.auth.apiTokens[0] ?? (await devToken(config.embeddedDir));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      PORT: String(port),
      API_TOKENS: config.auth.apiTokens.length > 0 ? config.auth.apiTokens.join(',') : apiToken,
      PUBLIC_BASE_URL: publicBaseUrl ?? config.http.publicBaseUrl ?? `http://localhost:${port}`,
    };
    const guard = await detectOrphanGuard();
    const children: { app: string; child: ChildProcess }[] = [];
    const api = spawnApp('api', env, appOutput, guard);
    children.push({ app: 'api', child: api });
    stops.push(() => stopChild(api));
    const healthPorts = await distinctFreePorts(workers, port);
    const workerChildren = healthPorts.map((healthPort, i) => {
      const child = spawnApp('worker', { ...env, WORKER_HEALTH_PORT: String(healthPort) }, appOutput, guard);
      children.push({ app: workers === 1 ? 'worker' : `worker ${i + 1}`, child });
      return child;
    });
    // Side by side: each finishes or releases its own job on SIGTERM.
    stops.push(async () => void (await Promise.all(workerChildren.map(stopChild))));
    const workerHealthUrls = healthPorts.map((healthPort) => `http://localhost:${healthPort}/healthz`);
    const exited = Promise.race(
      children.map(({ app, child }) => new Promise<{ app: string; code: number | null }>((resolve) => child.once('exit', (code) => resolve({ app, code })))),
    );
    const apiUrl = `http://localhost:${port}`;
    const ready = Promise.all([`${apiUrl}/readyz`, ...workerHealthUrls].map((url) => waitForHttp(url, 60_000)));
    await Promise.race([ready, exited.then(({ app, code }) => {
      throw new Error(`the ${app} process exited with code ${code} during start-up; see its output above`);
    })]);
    return { apiUrl, apiToken, databaseUrl, redisUrl, workerHealthUrls, exited, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** `count` free ports, none equal to another or to `taken` (each is only free until someone binds it). */
async function distinctFreePorts(count: number, taken: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    const candidate = await freePort();
    if (candidate !== taken) ports.add(candidate);
  }
  return [...ports];
}

/** A per-checkout development token, so the local API is never open without one. */
async function devToken(embeddedDir: string): Promise<string> {
  const file = path.join(embeddedDir, 'dev-token');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const token = `dev_${randomBytes(24).toString('base64url')}`;
  await mkdir(embeddedDir, { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Runs the sibling app from source (tsx) in development, or its bundle after `npm run build`. */
function spawnApp(app: 'api' | 'worker', env: NodeJS.ProcessEnv, output: 'inherit' | 'quiet', guard: OrphanGuard): ChildProcess {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const appsDir = path.resolve(path.dirname(here), '..', '..');
  const entry = fromSource ? path.join(appsDir, app, 'src', 'main.ts') : path.join(appsDir, app, 'dist', 'main.js');
  const args = fromSource ? ['--import', 'tsx', entry] : [entry];
  const stdio: StdioOptions = output === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'];
  // If this launcher dies, the apps get SIGTERM and shut down gracefully instead of lingering.
  const child = spawnGuarded(guard, process.execPath, args, { env, stdio, deathSignal: 'SIGTERM' });
  if (output === 'quiet') {
    let tail = '';
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-8_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      if (code !== 0 && signal === null) process.stderr.write(`\n[${app}] exited with code ${code}; last output:\n${tail}\n`);
    });
  }
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  await exited;
  clearTimeout(timer);
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
