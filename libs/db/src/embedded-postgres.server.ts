import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, realpath, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '@reelforge/process';
import pg from 'pg';
import { EmbeddedPostgresError } from './db.errors.js';
import { DEFAULT_FALLBACK_ROOT, exists, gatherPlacementFacts, isErrno } from './embedded-postgres.facts.js';
import { placeEmbeddedPostgres } from './embedded-postgres.placement.js';
import {
  copyProgramsOnce,
  ensurePostgresAccount,
  findPostgresAccount,
  initCluster,
  packagedPrograms,
  startServer,
  type RunningPostgres,
} from './embedded-postgres.process.js';

export interface EmbeddedPostgresOptions {
  /** Cluster directory, e.g. `.reelforge/pg`; reused across runs. The password lives next to it in `<dataDir>.password`. */
  dataDir: string;
  /**
   * Where root's Postgres keeps the cluster (and a copy of its programs) when it cannot reach `dataDir`
   * or node_modules, e.g. in a checkout under a mode-700 home. Default: /var/lib/reelforge.
   */
  fallbackRoot?: string;
  /** Default: a free loopback port. */
  port?: number;
  /** Receives the server's log lines. */
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  databaseUrl: string;
  /** Where the cluster really lives: `dataDir`, or its fallback (see `relocation`). */
  dataDir: string;
  /** Why the cluster or its programs are not where they were asked for, for the caller to say aloud; null when they are. */
  relocation: string | null;
  /** True when a server an earlier process left running on this data dir was adopted instead of started. */
  reused: boolean;
  /** Stops a server this call started; idempotent. An adopted server is left running (someone else may use it). */
  stop(): Promise<void>;
}

const USER = 'postgres';

/**
 * Starts (or adopts) a private Postgres from the `embedded-postgres` package's programs: loopback only,
 * no Unix socket, scram-sha-256 with a random password generated on first use and kept in a 0600 file.
 * As root, Postgres runs as the `postgres` user (created if missing), from places that user can reach.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const fallbackRoot = path.resolve(options.fallbackRoot ?? DEFAULT_FALLBACK_ROOT);
  const preferredDataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(preferredDataDir), { recursive: true });

  const asRoot = process.getuid?.() === 0;
  const programs = await packagedPrograms();
  const account = asRoot ? await findPostgresAccount() : null;
  const facts = await gatherPlacementFacts({ asRoot, account, preferredDataDir, fallbackRoot, programs });
  const placement = placeEmbeddedPostgres(facts);
  if (placement.kind === 'refused') throw new EmbeddedPostgresError(placement.reason);
  const { dataDir, relocation } = placement;
  if (dataDir !== preferredDataDir || placement.programs === 'copied') await mkdirReachable(fallbackRoot);

  const initialised = await exists(path.join(dataDir, 'PG_VERSION'));
  const password = await readOrCreatePassword(`${dataDir}.password`, initialised);
  if (initialised) {
    const adopted = await adoptRunningServer(dataDir, password);
    if (adopted) return { ...adopted, dataDir, relocation };
  }

  const runAs = asRoot ? await ensurePostgresAccount() : null;
  let binDir = path.join(programs.nativeDir, 'bin');
  if (placement.programs === 'copied') {
    await copyProgramsOnce(programs.nativeDir, facts.programs.copyDir);
    binDir = path.join(facts.programs.copyDir, 'bin');
  }
  const port = options.port ?? (await freePort());
  const recentLines: string[] = [];
  const onLog = (line: string): void => {
    recentLines.push(line);
    if (recentLines.length > 30) recentLines.shift();
    log(line);
  };

  let server: RunningPostgres;
  try {
    const command = { binDir, dataDir, runAs, onLog };
    if (!initialised) await initCluster({ ...command, user: USER, password, authMethod: 'scram-sha-256' });
    server = await startServer({ ...command, port, flags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='] });
  } catch (error) {
    // Another process may have started the same cluster a moment before us.
    const adopted = initialised ? await adoptRunningServer(dataDir, password).catch(() => null) : null;
    if (adopted) return { ...adopted, dataDir, relocation };
    throw new EmbeddedPostgresError(`Embedded Postgres failed to start in ${dataDir}. Last log lines:\n${recentLines.join('\n')}`, {
      cause: error,
    });
  }

  return { databaseUrl: databaseUrlFor(port, password), dataDir, relocation, reused: false, stop: server.stop };
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
async function adoptRunningServer(dataDir: string, password: string): Promise<Pick<EmbeddedPostgres, 'databaseUrl' | 'reused' | 'stop'> | null> {
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

function databaseUrlFor(port: number, password: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

/**
 * Creates the fallback root, open to the postgres user whatever root's umask: the placement counted
 * on every directory it had to create being enterable.
 */
async function mkdirReachable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  for (let created = dir; ; created = path.dirname(created)) {
    await chmod(created, 0o755);
    if (created === first) return;
  }
}
