import { mkdir } from 'node:fs/promises';
import { AppError } from '@reelforge/errors';
import { detectOrphanGuard, freePort, spawnGuarded } from '@reelforge/process';
import { Redis } from 'ioredis';

export interface EmbeddedRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  /** Directory for the append-only file; jobs survive a restart of the embedded server. */
  dataDir: string;
  port?: number;
  /** Persistence can be switched off for throwaway test servers. */
  appendOnly?: boolean;
  redisServerPath?: string;
}

export class RedisServerMissingError extends AppError<'redis_missing'> {
  constructor(path: string) {
    super(
      'redis_missing',
      `redis-server not found (${path}). Install it (Debian/Ubuntu: apt-get install redis-server) ` +
        'or set REDIS_URL to an existing Redis.',
    );
  }
}

/**
 * Spawns a private redis-server on loopback, configured the way BullMQ needs it (noeviction).
 * The child gets a parent-death signal where setpriv exists, so it never outlives us.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const port = options.port ?? (await freePort());
  const bin = options.redisServerPath ?? 'redis-server';
  await mkdir(options.dataDir, { recursive: true });
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--protected-mode', 'yes',
    '--dir', options.dataDir,
    '--save', '',
    '--appendonly', options.appendOnly === false ? 'no' : 'yes',
    '--appendfsync', 'everysec',
    '--maxmemory-policy', 'noeviction',
    '--daemonize', 'no',
    '--loglevel', 'warning',
  ];
  const child = spawnGuarded(await detectOrphanGuard(), bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4096);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new RedisServerMissingError(bin) : err),
    ),
  );

  const url = `redis://127.0.0.1:${port}`;
  await Promise.race([
    spawnError,
    waitForPing(url, 10_000),
    exited.then((code) => {
      // setpriv reports a missing program as exit 127.
      if (code === 127) throw new RedisServerMissingError(bin);
      throw new Error(`redis-server exited with code ${code} before accepting connections: ${stderr.trim()}`);
    }),
  ]);

  let stopped: Promise<void> | undefined;
  return {
    url,
    pid: child.pid!,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
      })();
      return stopped;
    },
  };
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${url}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      client.disconnect();
    }
  }
}
