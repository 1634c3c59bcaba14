import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from '@reelforge/process';
import { spawnApp, type AppProcess } from '../../test/support/app-process.js';
import type { BenchEnv } from './bench.env.js';
import { waitForHttp } from './bench.http.js';
import { stackEnv } from './bench.stack.js';

const run = promisify(execFile);
const START_TIMEOUT_MS = 90_000;

export interface WorkerSpec {
  /** Settings on top of the benchmark's stack environment (WORKER_CONCURRENCY, LADDER_HEIGHTS…). */
  env: Record<string, string>;
  /** The one CPU the process (and every ffmpeg it starts) may run on; null: all of them. */
  core: number | null;
}

/**
 * Pins every thread of a running process to one CPU. Children inherit the affinity, so the ffmpeg
 * processes a worker starts afterwards run on that CPU too.
 */
async function pinToCore(pid: number, core: number): Promise<void> {
  await run('taskset', ['--all-tasks', '--cpu-list', '--pid', String(core), String(pid)]);
}

/** Worker processes on the benchmark's services, each healthy (and pinned, if asked) before this returns. */
export async function startWorkerProcesses(env: BenchEnv, specs: readonly WorkerSpec[]): Promise<AppProcess[]> {
  const workers: AppProcess[] = [];
  try {
    for (const spec of specs) {
      const healthPort = await freePort();
      const worker = await spawnApp('worker', {
        ...stackEnv({ schema: env.schema, redisUrl: env.redis.url, queuePrefix: env.queuePrefix, storage: { kind: 'local', dir: env.storageDir } }),
        WORKER_HEALTH_PORT: String(healthPort),
        ...spec.env,
      });
      workers.push(worker);
      // Before it is ready, so it cannot have taken a job (or started an ffmpeg) unpinned.
      if (spec.core !== null) await pinToCore(worker.pid, spec.core);
      await waitForHttp(`http://127.0.0.1:${healthPort}/healthz`, START_TIMEOUT_MS, worker.alive).catch((err: Error) => {
        throw new Error(`${err.message}\nworker output:\n${worker.output()}`);
      });
    }
    return workers;
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }
}
