import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { EmbeddedPostgresError, fallbackDataDir, startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded/index.js';

const asRoot = process.getuid?.() === 0;
// Only root's Postgres runs as another user, so only root can meet a directory it cannot enter.
const rootIt = asRoot ? it : it.skip;
if (!asRoot) console.warn('embedded-postgres.spec: the fallback cases need root (Postgres then runs as the postgres user); skipped.');
let root: string;
let dataDir: string;
const started: EmbeddedPostgres[] = [];

const start = async (): Promise<EmbeddedPostgres> => {
  const server = await startEmbeddedPostgres({ dataDir });
  started.push(server);
  return server;
};

const queryOnce = async <R extends pg.QueryResultRow>(databaseUrl: string, text: string): Promise<R[]> => {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
};

const canConnect = async (databaseUrl: string): Promise<boolean> =>
  queryOnce(databaseUrl, 'SELECT 1').then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'reelforge-pg-'));
  // As root, Postgres runs as the "postgres" user, which must be able to traverse the parent.
  await chmod(root, 0o755);
  dataDir = path.join(root, 'pg');
});

afterAll(async () => {
  for (const server of started) await server.stop();
  await rm(root, { recursive: true, force: true });
});

describe('startEmbeddedPostgres', () => {
  it('when started on an empty dir, then it initialises a password-protected loopback server', async () => {
    const server = await start();
    expect(server.reused).toBe(false);
    expect(server.databaseUrl).toMatch(/^postgres:\/\/postgres:[A-Za-z0-9_-]+@127\.0\.0\.1:\d+\/postgres$/);
    await queryOnce(server.databaseUrl, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES (\'hello\')');

    const passwordFile = `${dataDir}.password`;
    expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
    const wrong = new URL(server.databaseUrl);
    wrong.password = 'not-the-password';
    expect(await canConnect(wrong.toString())).toBe(false);
    const [settings] = await queryOnce<{ listen: string }>(server.databaseUrl, `SELECT current_setting('listen_addresses') AS listen`);
    expect(settings!.listen).toBe('127.0.0.1');
  });

  it('when the server is already running on the data dir, then a second start adopts it and its stop leaves it running', async () => {
    const first = started[0]!;
    const second = await start();
    expect(second).toMatchObject({ reused: true, databaseUrl: first.databaseUrl });
    await second.stop();
    expect(await canConnect(first.databaseUrl)).toBe(true);
  });

  it('when stopped twice, then the second stop is a no-op', async () => {
    const first = started[0]!;
    await first.stop();
    await first.stop();
    expect(await canConnect(first.databaseUrl)).toBe(false);
  });

  it('when restarted on the same data dir after a crash left a stale lock file, then the data is still there', async () => {
    // A pid that no longer runs, like the one a killed server leaves behind.
    const deadPid = spawnSync('true').pid;
    await writeFile(path.join(dataDir, 'postmaster.pid'), `${deadPid}\n${dataDir}\n0\n1\n\n127.0.0.1\n0 0\nready\n`);
    const again = await start();
    expect(again.reused).toBe(false);
    expect(await queryOnce<{ v: string }>(again.databaseUrl, 'SELECT v FROM kept')).toEqual([{ v: 'hello' }]);
    await again.stop();
  });

  it('when the lock file names a live pid that is not Postgres, then it is treated as stale', async () => {
    await writeFile(path.join(dataDir, 'postmaster.pid'), `${process.pid}\n${dataDir}\n0\n1\n\n127.0.0.1\n0 0\nready\n`);
    const again = await start();
    expect(await queryOnce<{ v: string }>(again.databaseUrl, 'SELECT v FROM kept')).toEqual([{ v: 'hello' }]);
    const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    expect(pid).not.toBe(process.pid);
    await again.stop();
  });

  rootIt('when run as root under a parent the postgres user cannot enter, then the cluster lives in the fallback, says why, and is reused', async () => {
    const closed = path.join(root, 'closed');
    await mkdir(closed, { mode: 0o700 });
    await chmod(closed, 0o700);
    const fallbackRoot = path.join(root, 'fallback');
    const asked = path.join(closed, 'pg');

    const first = await startEmbeddedPostgres({ dataDir: asked, fallbackRoot });
    started.push(first);
    expect(first.dataDir).toBe(fallbackDataDir(asked, fallbackRoot));
    expect(first.relocation).toBe(
      `Running as root, Postgres runs as the "postgres" user, which cannot enter ${closed} (mode 700), so its data lives in ${first.dataDir} instead of ${asked}.`,
    );
    await queryOnce(first.databaseUrl, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('in the fallback')");
    await first.stop();

    const again = await startEmbeddedPostgres({ dataDir: asked, fallbackRoot });
    started.push(again);
    expect({ dataDir: again.dataDir, relocation: again.relocation }).toEqual({ dataDir: first.dataDir, relocation: first.relocation });
    expect(await queryOnce<{ v: string }>(again.databaseUrl, 'SELECT v FROM kept')).toEqual([{ v: 'in the fallback' }]);
    await again.stop();
  });

  rootIt('when run as root and a cluster already exists under a parent the postgres user can no longer enter, then it refuses and says how to allow it', async () => {
    const closing = path.join(root, 'closing');
    await mkdir(closing, { mode: 0o755 });
    await chmod(closing, 0o755);
    const asked = path.join(closing, 'pg');
    const fallbackRoot = path.join(root, 'fallback');
    const server = await startEmbeddedPostgres({ dataDir: asked, fallbackRoot });
    started.push(server);
    expect({ dataDir: server.dataDir, relocation: server.relocation }).toEqual({ dataDir: asked, relocation: null });
    await server.stop();

    await chmod(closing, 0o700);
    const refused = startEmbeddedPostgres({ dataDir: asked, fallbackRoot });
    await expect(refused).rejects.toThrow(EmbeddedPostgresError);
    await expect(refused).rejects.toThrow(`cannot enter ${closing} (mode 700), so it cannot use the database in ${asked}. Allow it in (chmod o+x ${closing})`);
  });
});
